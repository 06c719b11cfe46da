import path from 'node:path';
import { utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';
import { corePortMessage } from '../ipc-channel';

export interface CoreHost {
  /** Hands the running core one end of a port pair (it serves the contract on it). */
  servePort(port: MessagePortMain): void;
  /** Stops the core for good (the app quits). */
  stop(): void;
}

/**
 * Runs the studio's core in a utility process (electron/core-process/) and starts a fresh one when
 * it dies; `onStarted` runs for every start after the first, so that the windows get new ports.
 * A core that dies within seconds of starting is restarted after a pause, not in a tight loop.
 */
export function startCoreHost(mainOutDir: string, onRestarted: () => void): CoreHost {
  let child: UtilityProcess;
  let stopping = false;
  const start = () => {
    const startedAt = Date.now();
    child = utilityProcess.fork(path.join(mainOutDir, 'core.js'), [], { serviceName: 'Pipeline Studio core' });
    child.once('exit', () => {
      if (stopping) return;
      const quickly = Date.now() - startedAt < 5000;
      setTimeout(
        () => {
          start();
          onRestarted();
        },
        quickly ? 2000 : 0,
      );
    });
  };
  start();
  return {
    servePort(port) {
      child.postMessage({ kind: corePortMessage }, [port]);
    },
    stop() {
      stopping = true;
      child.kill();
    },
  };
}
