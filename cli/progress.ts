/**
 * Progress of long work on stderr: a redrawn bar with counts, rate and time left when stderr is a
 * terminal; otherwise (CI logs) a plain line every few seconds, so that logs stay readable.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const isTerminal = stream.isTTY === true;
  let lastDraw = 0;
  let lastDone = 0;

  const describe = (done: number): string => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    return `${done}/${total} · ${Math.round(rate)}/s · ${done < total ? `${left.toFixed(0)} s left` : `${seconds.toFixed(1)} s`}`;
  };

  const draw = (done: number, force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < (isTerminal ? 100 : 5_000)) return;
    lastDraw = now;
    if (isTerminal) {
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      stream.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${describe(done)}\x1b[K`);
    } else {
      stream.write(`${label}: ${describe(done)}\n`);
    }
  };

  return {
    update(done) {
      lastDone = done;
      draw(done, false);
    },
    finish() {
      draw(lastDone, true);
      if (isTerminal) stream.write('\n');
    },
  };
}
