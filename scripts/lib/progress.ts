/** A one-line progress bar with ETA on stderr; redrawn in place on a TTY, silent otherwise (logs stay readable). */

export interface ProgressBar {
  update(done: number, info?: string): void;
  finish(): void;
}

const BAR_WIDTH = 24;
/** Redraw at most this often: a terminal repaint costs more than a wasm training step's share. */
const REDRAW_MS = 200;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/**
 * @example const bar = createProgressBar('epoch 1/12', 844, process.stderr.isTTY); bar.update(10, 'loss 0.5'); bar.finish();
 */
export function createProgressBar(label: string, total: number, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const started = performance.now();
  let lastDraw = 0;
  const draw = (done: number, info: string) => {
    const elapsed = (performance.now() - started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const filled = Math.round((done / Math.max(1, total)) * BAR_WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    stream.write(`\r${label} ${bar} ${done}/${total} ${formatDuration(elapsed)}<${formatDuration(eta)} ${info}\x1b[K`);
  };
  return {
    update(done, info = '') {
      if (!enabled) return;
      const now = performance.now();
      if (now - lastDraw < REDRAW_MS && done < total) return;
      lastDraw = now;
      draw(done, info);
    },
    finish() {
      if (enabled) stream.write('\r\x1b[K');
    },
  };
}
