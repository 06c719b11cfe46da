/** `850 ms`, `12 s`, `2 min 05 s`, `1 h 02 min`: durations for people. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** What the progress says about the time left: an estimate while running, nothing once ended. */
export function timeLeftText(status: string, etaMs: number | null): string {
  if (status !== 'running') return '';
  if (etaMs === null) return 'estimating time left…';
  if (etaMs < 1000) return 'less than a second left';
  return `about ${formatDuration(etaMs)} left`;
}

/** `1,234 events/s`, `12.5 events/s`. */
export function rateText(eventsPerSecond: number): string {
  if (!Number.isFinite(eventsPerSecond) || eventsPerSecond <= 0) return '— events/s';
  const digits = eventsPerSecond < 100 ? 1 : 0;
  return `${eventsPerSecond.toLocaleString('en-US', { maximumFractionDigits: digits })} events/s`;
}

/** Whole percent done, 0–100 (a run of nothing is done). */
export function percentDone(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

/** `0.42 ms`, `3.1 ms`, `120 ms`, `1.20 s`: replay latencies. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 100) return `${Math.round(ms)} ms`;
  if (abs >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** `+1.20 ms`, `−0.40 ms`, `±0 ms`: a latency change, signed. */
export function formatDelta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (Math.abs(ms) < 0.005) return '±0 ms';
  return `${ms > 0 ? '+' : '−'}${formatMs(Math.abs(ms))}`;
}
