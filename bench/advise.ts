/**
 * Core /advise time (parse + advise) on 1k, 10k and 100k-point curves (Keras CSV, four series), median of several
 * runs after a warm-up, with the growth ratio between sizes (10× points should cost ≈10× time: linear).
 *
 *   npx tsx bench/advise.ts
 */
import { adviseUpload } from '../src/advisor/advise';
import { parseUpload } from '../src/advisor/parse/index';

/** A noisy, slowly overfitting curve: the detectors do their full work on it. */
export function syntheticCsv(n: number): Uint8Array {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const rows = ['epoch,accuracy,loss,val_accuracy,val_loss'];
  for (let i = 0; i < n; i++) {
    const t = i / n;
    const loss = 2 * Math.exp(-4 * t) + 0.05 + 0.05 * rand();
    const val = 2 * Math.exp(-4 * t) + 0.25 + 0.3 * Math.max(0, t - 0.6) + 0.08 * rand();
    rows.push(`${i},${(1 - loss / 2.5).toFixed(5)},${loss.toFixed(5)},${(1 - val / 2.5).toFixed(5)},${val.toFixed(5)}`);
  }
  return new TextEncoder().encode(rows.join('\n'));
}

interface Timing {
  parse: number;
  advise: number;
  total: number;
}

const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function time(bytes: Uint8Array, reps: number): Timing {
  const parse: number[] = [];
  const advise: number[] = [];
  const total: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const upload = parseUpload([{ name: 'bench.csv', bytes }]);
    const t1 = performance.now();
    adviseUpload(upload);
    const t2 = performance.now();
    parse.push(t1 - t0);
    advise.push(t2 - t1);
    total.push(t2 - t0);
  }
  return { parse: medianOf(parse), advise: medianOf(advise), total: medianOf(total) };
}

function main(): void {
  const sizes = [1_000, 10_000, 100_000];
  const inputs = sizes.map((n) => syntheticCsv(n));
  for (const b of inputs) time(b, 2); // warm-up (JIT)
  let prev: Timing | null = null;
  console.log('points    parse+advise   parse      advise     growth (×10 points): total / advise');
  for (let i = 0; i < sizes.length; i++) {
    const t = time(inputs[i], sizes[i] >= 100_000 ? 5 : 9);
    const growth = prev ? `×${(t.total / prev.total).toFixed(1)} / ×${(t.advise / prev.advise).toFixed(1)}` : '';
    console.log(`${String(sizes[i]).padEnd(9)} ${t.total.toFixed(2).padStart(9)} ms ${t.parse.toFixed(2).padStart(9)} ms ${t.advise.toFixed(2).padStart(8)} ms   ${growth}`);
    prev = t;
  }
}

if (process.argv[1] && new URL(import.meta.url).pathname.endsWith(process.argv[1].replace(/^.*bench\//, 'bench/'))) main();
