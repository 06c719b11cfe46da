import { writeSync } from 'node:fs';
import { Workspace } from '../workspace';
import { makeTrace } from './trace-fixtures';

// A second process on a workspace, driven by the reliability tests (see child-process.ts).
//   hold <dir> <ms>        take the write lock, say "locked", keep it <ms>, commit, say "released"
//   save-loop <dir>        commit versions n, n+1, … of script "loop", saying "committed <n>" after each
//   kill-mid <dir> <n>     commit n versions, then open a big transaction, say "in-transaction", spin
//   open <dir>             open (creating and migrating), print {"id": …}
//   try-write <dir> [ms]   open with busy timeout ms and save a script; print {ok} or {ok:false, code, …}

const [command, dir = '', arg = ''] = process.argv.slice(2);
const say = (line: string) => writeSync(1, `${line}\n`);
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

switch (command) {
  case 'hold': {
    const workspace = Workspace.open({ dir });
    workspace.transaction(() => {
      workspace.scripts.save('held', 'return true');
      say('locked');
      sleep(Number(arg));
    });
    say('released');
    workspace.close();
    break;
  }
  case 'save-loop': {
    const workspace = Workspace.open({ dir });
    // Continues the numbering of earlier rounds, so version n always has the text `return n`.
    for (let n = (workspace.scripts.latest('loop')?.version ?? 0) + 1; ; n++) {
      workspace.scripts.save('loop', `return ${n}`, { message: `v${n}` });
      say(`committed ${n}`);
    }
  }
  case 'kill-mid': {
    const workspace = Workspace.open({ dir });
    for (let n = 1; n <= Number(arg); n++) {
      workspace.scripts.save('kept', `return ${n}`);
      say(`committed ${n}`);
    }
    workspace.transaction(() => {
      workspace.scripts.save('kept', 'return "never committed"');
      workspace.scripts.save('lost', 'return "never committed"');
      // Enough data to spill out of the page cache into the WAL before the kill.
      const logs = ['x'.repeat(2000), 'y'.repeat(2000)];
      for (let i = 0; i < 40; i++) workspace.traces.writeMany(Array.from({ length: 100 }, () => makeTrace({ logs })));
      say('in-transaction');
      for (;;) sleep(1000);
    });
    break;
  }
  case 'open': {
    const workspace = Workspace.open({ dir });
    say(JSON.stringify({ id: workspace.id }));
    workspace.close();
    break;
  }
  case 'try-write': {
    const started = Date.now();
    try {
      const workspace = Workspace.open({ dir, ...(arg ? { busyTimeoutMs: Number(arg) } : {}) });
      workspace.scripts.save('written', `return ${started}`);
      workspace.close();
      say(JSON.stringify({ ok: true, waitedMs: Date.now() - started }));
    } catch (error) {
      const { code, message, path } = error as { code?: string; message?: string; path?: string };
      say(JSON.stringify({ ok: false, code, message, path, waitedMs: Date.now() - started }));
    }
    break;
  }
  default:
    say(`unknown command ${command}`);
    process.exit(2);
}
