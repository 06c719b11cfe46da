import path from 'node:path';
import { utilityProcess, type UtilityProcess } from 'electron';
import type { Router } from '../../core/router';
import type { CoreRequest, CoreResponse } from '../core-process/messages';

/**
 * The core's router as seen from the main process: each call is relayed to the core utility
 * process and answered from there. If the core process dies, calls in flight answer UNAVAILABLE
 * and the next call starts a fresh core.
 */
export function startCoreProcess(mainOutDir: string): Router & { stop(): void } {
  let child: UtilityProcess | null = null;
  let nextId = 1;
  const pending = new Map<number, (response: CoreResponse['result']) => void>();

  const ensure = (): UtilityProcess => {
    if (child) return child;
    const started = utilityProcess.fork(path.join(mainOutDir, 'core.js'), [], { serviceName: 'Pipeline Studio core' });
    started.on('message', (message: CoreResponse) => {
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    });
    started.on('exit', () => {
      child = null;
      for (const resolve of pending.values()) {
        resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'The studio core stopped; try again.' } });
      }
      pending.clear();
    });
    child = started;
    return started;
  };

  return {
    dispatch(channel, input) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        const request: CoreRequest = { id, channel, input };
        ensure().postMessage(request);
      });
    },
    stop() {
      child?.kill();
    },
  };
}
