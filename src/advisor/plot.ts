/**
 * The advice drawn as a standalone SVG: a loss panel (loss, val_loss) and, when logged, an accuracy panel
 * (accuracy, val_accuracy), with the best epoch and each finding's onset marked. Long series are averaged into at most
 * `MAX_PLOT_POINTS` bins; a single huge spike is clipped so it does not flatten the rest of the curve.
 */
import { findSeries } from './context';
import { median } from './series';
import type { Advice, Series, TrainingLog } from './types';

const WIDTH = 760;
const PANEL_HEIGHT = 220;
const MARGIN = { left: 60, right: 20, top: 40, bottom: 36 };
const MAX_PLOT_POINTS = 600;
const COLORS = { train: '#1f77b4', val: '#d62728', best: '#2ca02c', critical: '#b71c1c', warning: '#e68a00', info: '#607d8b' };

/** XML-escape text content and attribute values. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function binned(s: Series): Array<[number, number]> {
  const bin = Math.max(1, Math.ceil(s.length / MAX_PLOT_POINTS));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < s.length; i += bin) {
    let sum = 0;
    let n = 0;
    for (let j = i; j < Math.min(s.length, i + bin); j++) {
      const v = s[j];
      if (typeof v === 'number' && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    if (n > 0) out.push([i, sum / n]);
  }
  return out;
}

interface Line {
  label: string;
  color: string;
  dashed: boolean;
  points: Array<[number, number]>;
}

function panel(title: string, lines: Line[], top: number, xMax: number, advice: Advice, unit: string): string {
  const all = lines.flatMap((l) => l.points.map((p) => p[1]));
  if (all.length === 0) return '';
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  // Clip outliers: a spike above 4× the median range would squash everything else.
  const med = median(all);
  const cap = med + 4 * Math.max(med - lo, 1e-9) + 1e-9;
  if (hi > cap && all.filter((v) => v > cap).length <= Math.max(1, all.length * 0.05)) hi = cap;
  if (hi - lo < 1e-9) {
    hi += 0.5 * Math.max(Math.abs(hi), 1e-3);
    lo -= 0.5 * Math.max(Math.abs(lo), 1e-3);
  }
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const X = (x: number) => MARGIN.left + (xMax > 0 ? (x / xMax) * w : w / 2);
  const Y = (y: number) => top + MARGIN.top + h - ((Math.min(y, hi) - lo) / (hi - lo)) * h;
  const parts: string[] = [];
  parts.push(`<text x="${MARGIN.left}" y="${top + 22}" font-size="14" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<rect x="${MARGIN.left}" y="${top + MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    const y = Y(v);
    parts.push(`<line x1="${MARGIN.left - 4}" y1="${y.toFixed(1)}" x2="${MARGIN.left}" y2="${y.toFixed(1)}" stroke="#999"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y + 4).toFixed(1)}" font-size="10" text-anchor="end">${Number(v.toPrecision(3))}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const x = Math.round((xMax * i) / 5);
    parts.push(`<text x="${X(x).toFixed(1)}" y="${top + MARGIN.top + h + 14}" font-size="10" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + w / 2}" y="${top + PANEL_HEIGHT - 4}" font-size="11" text-anchor="middle">${esc(unit)}</text>`);
  // Finding onsets and the best epoch.
  for (const f of advice.findings) {
    if (f.epoch === null) continue;
    const x = X(f.epoch).toFixed(1);
    parts.push(`<line class="finding" data-id="${f.id}" x1="${x}" y1="${top + MARGIN.top}" x2="${x}" y2="${top + MARGIN.top + h}" stroke="${COLORS[f.severity]}" stroke-dasharray="2,3"><title>${esc(`${f.id} (${f.severity}) at ${unit} ${f.epoch}: ${f.evidence}`)}</title></line>`);
    parts.push(`<text x="${x}" y="${top + MARGIN.top - 3}" font-size="9" fill="${COLORS[f.severity]}" text-anchor="middle">${esc(f.id)}</text>`);
  }
  if (advice.bestEpoch !== null) {
    const x = X(advice.bestEpoch).toFixed(1);
    parts.push(`<line class="best-epoch" x1="${x}" y1="${top + MARGIN.top}" x2="${x}" y2="${top + MARGIN.top + h}" stroke="${COLORS.best}" stroke-width="1.5"><title>best ${unit} ${advice.bestEpoch}</title></line>`);
    parts.push(`<text x="${x}" y="${top + MARGIN.top + 12}" font-size="10" fill="${COLORS.best}" dx="3">best ${advice.bestEpoch}</text>`);
  }
  let legendX = MARGIN.left + w;
  for (const l of [...lines].reverse()) {
    const d = l.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join('');
    parts.push(`<path class="series" data-name="${esc(l.label)}" d="${d}" fill="none" stroke="${l.color}" stroke-width="1.5"${l.dashed ? ' stroke-dasharray="6,3"' : ''}/>`);
    legendX -= 8 + l.label.length * 6.5 + 20;
    parts.push(`<line x1="${legendX.toFixed(1)}" y1="${top + 18}" x2="${(legendX + 16).toFixed(1)}" y2="${top + 18}" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6,3"' : ''}/>`);
    parts.push(`<text x="${(legendX + 20).toFixed(1)}" y="${top + 22}" font-size="11">${esc(l.label)}</text>`);
  }
  return parts.join('\n');
}

/**
 * SVG of the curves with findings and best epoch marked.
 * @example renderPlotSvg(log, adviseLog(log)).startsWith('<svg') // true
 */
export function renderPlotSvg(log: TrainingLog, advice: Advice): string {
  const m = log.metrics ?? {};
  const pick = (names: string[], label: string, color: string, dashed: boolean): Line | null => {
    const found = findSeries(m, names);
    if (!found) return null;
    const pts = binned(found[1]);
    return pts.length ? { label: found[0] || label, color, dashed, points: pts } : null;
  };
  const lossLines = [
    pick(['loss', 'train_loss', 'training_loss'], 'loss', COLORS.train, false),
    pick(['val_loss', 'validation_loss', 'valid_loss', 'eval_loss'], 'val_loss', COLORS.val, true),
  ].filter((l): l is Line => !!l);
  const accLines = [
    pick(['accuracy', 'acc', 'train_accuracy', 'train_acc'], 'accuracy', COLORS.train, false),
    pick(['val_accuracy', 'val_acc', 'eval_accuracy'], 'val_accuracy', COLORS.val, true),
  ].filter((l): l is Line => !!l);
  const xMax = Math.max(1, ...Object.values(m).map((s) => (Array.isArray(s) ? s.length - 1 : 0)));
  const unit = log.xAxis;
  const panels = [lossLines.length ? ['Loss', lossLines] : null, accLines.length ? ['Accuracy', accLines] : null].filter(Boolean) as Array<[string, Line[]]>;
  const header = 30;
  const height = header + Math.max(1, panels.length) * PANEL_HEIGHT;
  const body = panels.map(([title, lines], i) => panel(title, lines, header + i * PANEL_HEIGHT, xMax, advice, unit)).join('\n');
  const name = typeof log.run?.name === 'string' ? `${log.run.name} — ` : '';
  const status = `${name}${advice.status}${advice.bestEpoch !== null ? `, best ${unit} ${advice.bestEpoch}` : ''}; ${advice.findings.filter((f) => f.severity !== 'info').map((f) => f.id).join(', ') || 'no warnings'}`;
  const empty = panels.length === 0 ? `<text x="${WIDTH / 2}" y="${header + 100}" text-anchor="middle" font-size="13">no curves in the upload</text>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<title>${esc(`Training curves: ${status}`)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="13">${esc(status)}</text>`,
    body,
    empty,
    '</svg>',
  ].join('\n');
}
