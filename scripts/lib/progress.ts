/** A one-line progress bar with ETA on stderr; redrawn in place on a TTY, silent otherwise (logs stay readable). */

export interface ProgressBar {
  update(done: number, info?: string): void;
  finish(): void;
}

const BAR_WIDTH = 24;
/** Redraw at most this often: a terminal repaint costs more than a wasm training step's share. */
const REDRAW_MS = 200;
/** Without a TTY (a log file), one plain progress line this often. */
const LOG_LINE_MS = 60_000;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** `bar`: redrawn in place (TTY); `lines`: a plain line every minute (log files); `off`: silent. */
export type ProgressMode = 'bar' | 'lines' | 'off';

/**
 * @example const bar = createProgressBar('epoch 1/12', 844, 'bar'); bar.update(10, 'loss 0.5'); bar.finish();
 */
export function createProgressBar(label: string, total: number, mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const enabled = mode === 'bar';
  const started = performance.now();
  let lastDraw = 0;
  let lastLogLine = started;
  const line = (done: number, info: string, bar: string) => {
    const elapsed = (performance.now() - started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    return `${label} ${bar}${done}/${total} ${formatDuration(elapsed)}<${formatDuration(eta)} ${info}`;
  };
  const draw = (done: number, info: string) => {
    const filled = Math.round((done / Math.max(1, total)) * BAR_WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    stream.write(`\r${line(done, info, `${bar} `)}\x1b[K`);
  };
  return {
    update(done, info = '') {
      if (mode === 'off') return;
      if (!enabled) {
        const now = performance.now();
        if (now - lastLogLine >= LOG_LINE_MS) {
          lastLogLine = now;
          stream.write(`${line(done, info, '')}\n`);
        }
        return;
      }
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
