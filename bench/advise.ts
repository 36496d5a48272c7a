/**
 * Core /advise time (parse + advise) for every training-log format on 1k, 10k and 100k-point curves (four series:
 * loss, accuracy and their validation twins; only the losses where a 100k file would pass the 10 MB upload cap),
 * median of several runs after a warm-up, with the 10k → 100k growth ratio (10× points should cost ≈10× time).
 *
 *   npx tsx bench/advise.ts                  # every format
 *   npx tsx bench/advise.ts keras-csv json   # some formats
 */
import { adviseUpload } from '../src/advisor/advise';
import { parseUpload } from '../src/advisor/parse/index';
import { median } from '../src/advisor/series';
import { encodeEventFile } from '../test/advisor/parse/fixtures/tfevents';

interface Curve {
  loss: number[];
  accuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
}

/** A noisy, slowly overfitting curve (5 significant digits, as loggers print): the detectors do their full work. */
function syntheticCurve(n: number): Curve {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const round = (v: number) => Number(v.toFixed(5));
  const curve: Curve = { loss: [], accuracy: [], valLoss: [], valAccuracy: [] };
  for (let i = 0; i < n; i++) {
    const t = i / n;
    const loss = 2 * Math.exp(-4 * t) + 0.05 + 0.05 * rand();
    const val = 2 * Math.exp(-4 * t) + 0.25 + 0.3 * Math.max(0, t - 0.6) + 0.08 * rand();
    curve.loss.push(round(loss));
    curve.accuracy.push(round(1 - loss / 2.5));
    curve.valLoss.push(round(val));
    curve.valAccuracy.push(round(1 - val / 2.5));
  }
  return curve;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const kerasHistoryOf = (c: Curve) => ({
  loss: c.loss,
  accuracy: c.accuracy,
  val_loss: c.valLoss,
  val_accuracy: c.valAccuracy,
});

/** One upload per format, as its tool writes it; each yields `n` points per series. */
const FORMATS: Record<string, { name: string; build: (c: Curve) => Uint8Array }> = {
  'keras-csv': {
    name: 'training.log',
    build: (c) => {
      const rows = ['epoch,accuracy,loss,val_accuracy,val_loss'];
      for (let i = 0; i < c.loss.length; i++) {
        rows.push(`${i},${c.accuracy[i]},${c.loss[i]},${c.valAccuracy[i]},${c.valLoss[i]}`);
      }
      return encode(rows.join('\n'));
    },
  },
  'lightning-csv': {
    name: 'metrics.csv',
    // a training row (train_*_epoch) and a validation row per epoch, the other cells empty
    build: (c) => {
      const rows = ['epoch,step,train_acc_epoch,train_loss_epoch,val_acc,val_loss'];
      for (let i = 0; i < c.loss.length; i++) {
        const step = 100 * (i + 1) - 1;
        rows.push(`${i},${step},,,${c.valAccuracy[i]},${c.valLoss[i]}`, `${i},${step},${c.accuracy[i]},${c.loss[i]},,`);
      }
      return encode(`${rows.join('\n')}\n`);
    },
  },
  'keras-history': { name: 'history.json', build: (c) => encode(JSON.stringify(kerasHistoryOf(c))) },
  json: { name: 'curves.json', build: (c) => encode(JSON.stringify({ xAxis: 'epoch', metrics: kerasHistoryOf(c) })) },
  'hf-trainer-state': {
    name: 'trainer_state.json',
    // a training log and an evaluation per epoch (`logging_strategy="epoch"`); loss and val_loss only (no accuracy), to stay under the upload cap
    build: (c) => {
      const logHistory: object[] = [];
      for (let i = 0; i < c.loss.length; i++) {
        const step = 100 * (i + 1);
        logHistory.push({ epoch: i + 1, loss: c.loss[i], step }, { epoch: i + 1, eval_loss: c.valLoss[i], step });
      }
      return encode(JSON.stringify({ global_step: 100 * c.loss.length, log_history: logHistory }));
    },
  },
  tensorboard: {
    name: 'events.out.tfevents.1700000000.host',
    // one event per step with `simple_value` scalars (PyTorch's SummaryWriter); loss and val_loss only (no accuracy), to stay under the upload cap
    build: (c) => encodeEventFile(c.loss.map((loss, step) => ({ step, scalars: { loss, val_loss: c.valLoss[step] } }))),
  },
  'keras-text': {
    name: 'fit.log',
    // `fit(verbose=2)` output: one metrics line per epoch; loss and val_loss only (no accuracy), to stay under the upload cap
    build: (c) => {
      const n = c.loss.length;
      const lines: string[] = [];
      for (let i = 0; i < n; i++) {
        lines.push(`Epoch ${i + 1}/${n}`, `1875/1875 - 5s - loss: ${c.loss[i]} - val_loss: ${c.valLoss[i]}`);
      }
      return encode(`${lines.join('\n')}\n`);
    },
  },
};

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Median milliseconds of parse + advise (wall clock and CPU time: on a busy machine the wall clock also counts
 * waiting for a core), and of parse alone.
 */
function time(name: string, bytes: Uint8Array, reps: number): { total: number; cpu: number; parse: number } {
  const total: number[] = [];
  const cpu: number[] = [];
  const parse: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const upload = parseUpload([{ name, bytes }]);
    const t1 = performance.now();
    adviseUpload(upload);
    total.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    parse.push(t1 - t0);
  }
  return { total: median(total), cpu: median(cpu), parse: median(parse) };
}

const SIZES = [1_000, 10_000, 100_000];
/** Runs per size: enough for a stable median on a shared 2-core machine. */
const REPS = [15, 9, 7];

function main(): void {
  const wanted = process.argv.slice(2);
  const formats = wanted.length > 0 ? wanted : Object.keys(FORMATS);
  const curves = SIZES.map(syntheticCurve);
  const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
  console.log(`medians of ${REPS.join('/')} runs of parse+advise: wall clock, CPU time; parse alone (wall) at 100k`);
  const sizes = SIZES.map((n) => `${n / 1000}k`.padStart(10)).join('');
  console.log(`${'format'.padEnd(17)}${sizes}  cpu@100k  parse@100k  growth 10k→100k (wall, cpu)  upload@100k`);
  for (const format of formats) {
    const { name, build } = FORMATS[format] ?? {};
    if (!build) throw new Error(`unknown format ${format}; one of ${Object.keys(FORMATS).join(', ')}`);
    const inputs = curves.map(build);
    for (const bytes of inputs) time(name, bytes, 2); // warm-up (JIT)
    const timings = inputs.map((bytes, i) => time(name, bytes, REPS[i]));
    const [, medium, large] = timings;
    const growth = `×${(large.total / medium.total).toFixed(1)}, ×${(large.cpu / medium.cpu).toFixed(1)}`;
    const row = `${timings.map((t) => ms(t.total)).join('')}${ms(large.cpu)}  ${ms(large.parse)}`;
    const mb = inputs[2].length / 1e6;
    console.log(`${format.padEnd(17)}${row}  ${growth.padEnd(27)}${mb.toFixed(1)} MB, ${(mb / (large.total / 1000)).toFixed(0)} MB/s`);
  }
  console.log(nativeJsonFloor(curves[2]));
}

/** V8's own JSON.parse on the 100k Keras History text: the speed of a native parser on this machine, for scale. */
function nativeJsonFloor(curve: Curve): string {
  const text = JSON.stringify(kerasHistoryOf(curve));
  const runs: number[] = [];
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    JSON.parse(text);
    runs.push(performance.now() - t0);
  }
  const mb = text.length / 1e6;
  const ms = median(runs);
  return `for scale: JSON.parse alone of the ${mb.toFixed(1)} MB keras-history text takes ${ms.toFixed(1)} ms (${(mb / (ms / 1000)).toFixed(0)} MB/s)`;
}

main();
