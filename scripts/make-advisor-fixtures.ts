/**
 * Regenerates `test/advisor/fixtures/trained/`: one short MNIST run of `scripts/train.ts` per injected fault (and a
 * healthy baseline), each saved as the canonical /advise JSON the trainer writes with `--curves`, plus the exact command
 * in `run.command` and a README listing them all.
 *
 *   npx tsx scripts/make-advisor-fixtures.ts [NAME…]     (default: every fixture, one after the other)
 *
 * Runs are niced to the lowest priority and sequential: each takes well under a minute of CPU on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const FIXTURE_DIR = 'test/advisor/fixtures/trained';

/** Small and fast on purpose: MNIST digits, no batch norm (so faults are not normalized away), fixed seed. */
const BASE = ['--dataset', 'mnist', '--no-batch-norm', '--seed', '1'];
/** The baseline net: 3 conv layers, flatten to 288 values, one small dense layer. */
const SMALL_NET = ['--conv', '16,M,32,M,32,M', '--head', 'flatten'];

export interface FixtureRun {
  name: string;
  /** The fault injected, in a sentence. */
  fault: string;
  /** Flags after BASE. */
  args: string[];
  /** What the committed curve shows (checked by test/advisor/trained-fixtures.test.ts). */
  shows: string;
}

export const FIXTURES: FixtureRun[] = [
  {
    name: 'healthy',
    fault: 'none: the baseline the faults are variations of',
    args: [...SMALL_NET, '--limit', '2000', '--dense', '32', '--dropout', '0.1', '--epochs', '10', '--lr', '0.002'],
    shows: 'loss 1.94→0.24, val_loss 1.17→0.22, val_accuracy 0.94; no warning',
  },
  {
    name: 'lr-too-high',
    fault: 'plain SGD at learning rate 5 (10× the usual upper bound)',
    args: [...SMALL_NET, '--limit', '2000', '--dense', '32', '--dropout', '0.1', '--epochs', '8', '--optimizer', 'sgd', '--lr', '5', '--schedule', 'constant'],
    shows: 'the first epoch already blows the model up: loss 13.4 at epoch 0, then 14.5 (6× ln 10) flat, accuracy at chance',
  },
  {
    name: 'lr-too-low',
    fault: 'plain SGD at learning rate 1e-5',
    args: [...SMALL_NET, '--limit', '2000', '--dense', '32', '--dropout', '0.1', '--epochs', '10', '--optimizer', 'sgd', '--lr', '1e-5', '--schedule', 'constant'],
    shows: 'a crawl: val_loss falls every epoch by ≈ 0.007, 2.64→2.58 (2 %), loss 2.94→2.86 over 10 epochs; accuracy at chance',
  },
  {
    name: 'tiny-data-overfit',
    fault: '200 training images, a 256-unit dense layer, no dropout, no weight decay, 30 epochs',
    args: [...SMALL_NET, '--limit', '200', '--dense', '256', '--dropout', '0', '--epochs', '30', '--batch-size', '16', '--optimizer', 'adam', '--lr', '0.002', '--schedule', 'constant'],
    shows: 'loss 2.19→0.0004 while val_loss bottoms at 0.42 (epoch 10) and climbs back to 0.47 by epoch 29',
  },
  {
    name: 'dead-relu',
    fault: 'every hidden conv/dense bias initialised to -5 (ReLU)',
    args: [...SMALL_NET, '--limit', '2000', '--dense', '32', '--dropout', '0.1', '--epochs', '8', '--bias-init=-5'],
    shows: 'the hidden ReLU layers output 0 for every probe input from epoch 0; the loss sits at chance',
  },
  {
    name: 'deep-sigmoid',
    fault: 'four sigmoid conv and three sigmoid dense layers, no batch norm, plain SGD',
    args: ['--limit', '2000', '--conv', '16,16,M,32,32,M', '--head', 'global_average', '--dense', '64,64,64', '--activation', 'sigmoid', '--dropout', '0', '--epochs', '8', '--optimizer', 'sgd', '--lr', '0.1', '--initializer', 'glorotUniform'],
    shows: 'loss flat at ln 10 ≈ 2.30, accuracy at chance; conv1 gets ~1e-5× the output layer\'s gradient',
  },
];

/** How a user would retype the run (what `run.command` and the README record). */
export function commandOf(f: FixtureRun): string {
  return ['npx tsx scripts/train.ts', ...BASE, ...f.args, '--curves', `${FIXTURE_DIR}/${f.name}.json`].join(' ');
}

function makeFixture(f: FixtureRun, checkpointDir: string): void {
  const out = join(FIXTURE_DIR, `${f.name}.json`);
  const args = ['-n', '19', 'npx', 'tsx', 'scripts/train.ts', ...BASE, ...f.args,
    '--store', 'none', '--no-export', '--progress', 'never', '--checkpoint-dir', checkpointDir, '--curves', out];
  process.stderr.write(`${f.name}: ${commandOf(f)}\n`);
  const started = Date.now();
  const result = spawnSync('nice', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${f.name}: train.ts exited with ${result.status ?? result.signal}`);
  const curves = JSON.parse(readFileSync(out, 'utf8')) as { run: Record<string, unknown> };
  // The contract lets `run` carry extra fields: the fixture says how it was made.
  curves.run = { ...curves.run, fault: f.fault, command: commandOf(f) };
  writeFileSync(out, `${JSON.stringify(curves, null, 1)}\n`);
  process.stderr.write(`${f.name}: done in ${Math.round((Date.now() - started) / 1000)} s\n`);
}

export function fixturesReadme(): string {
  const rows = FIXTURES.map((f) => `## ${f.name}\n\nFault: ${f.fault}.\n\n\`\`\`\n${commandOf(f)}\n\`\`\`\n\nShows: ${f.shows}.\n`);
  return `# Advisor fixtures from real training runs\n\nWritten by \`npx tsx scripts/make-advisor-fixtures.ts [NAME…]\` (each run niced, one at a time, with\n\`--store none --no-export --progress never\` and a temporary \`--checkpoint-dir\`); asserted by\n\`test/advisor/trained-fixtures.test.ts\`. Each JSON is the trainer's canonical /advise output with \`run.fault\` and\n\`run.command\` added. Dropout masks are not seeded, so reruns give close but not byte-identical curves.\n\n${rows.join('\n')}`;
}

function main(names: string[]): void {
  const unknown = names.filter((n) => !FIXTURES.some((f) => f.name === n));
  if (unknown.length) throw new Error(`unknown fixture(s) ${unknown.join(', ')}; known: ${FIXTURES.map((f) => f.name).join(', ')}`);
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const checkpointDir = mkdtempSync(join(tmpdir(), 'advisor-fixtures-'));
  try {
    for (const f of FIXTURES.filter((x) => names.length === 0 || names.includes(x.name))) makeFixture(f, checkpointDir);
  } finally {
    rmSync(checkpointDir, { recursive: true, force: true });
  }
  writeFileSync(join(FIXTURE_DIR, 'README.md'), fixturesReadme());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
