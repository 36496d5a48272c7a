/**
 * `npm run train -- --dataset fashion-mnist|mnist|DIR [options]` — see `--help` and CONTRACT.md "Training".
 * Resumable: `npm run train -- --resume RUN_ID` continues from checkpoints/RUN_ID/ with the run's own options.
 */
import { randomUUID } from 'node:crypto';
import { initBackend } from './lib/backend.js';
import { openRunStore, resilientRunStore } from './lib/run-store.js';
import { parseTrainArgs, USAGE, type TrainOptions } from './lib/train-options.js';
import { readCheckpointState, train } from './lib/trainer.js';

/** The command line as a user would retype it (recorded in the run and the model manifest). */
function commandLine(argv: string[]): string {
  const quote = (a: string) => (/^[\w./:=,@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return `npm run train -- ${argv.map(quote).join(' ')}`.trim();
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseTrainArgs(argv);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let options: TrainOptions = parsed.options;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const epochsGiven = argv.includes('--epochs');
  const resumeState = options.resume ? readCheckpointState(options.checkpointDir, options.resume) : undefined;
  if (resumeState) {
    // A resumed run keeps its own hyperparameters; only where and how it reports may change.
    // --epochs may lengthen or shorten a resumed run (shortening to the epochs done just restores best and exports).
    const epochs = epochsGiven ? options.epochs : resumeState.options.epochs;
    options = { ...resumeState.options, epochs, resume: options.resume, progress: options.progress, store: options.store, remote: options.remote, token: options.token, d1Persist: options.d1Persist, curves: options.curves ?? resumeState.options.curves };
  }
  const runId = resumeState?.runId ?? randomUUID();
  const backend = await initBackend(options.backend);
  const store = resilientRunStore(await openRunStore(options), log);
  log(`run ${runId} → ${store.description}; backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}; checkpoints in ${options.checkpointDir}/${runId}/`);
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('\ninterrupt: stopping after this batch (Ctrl-C again to exit now)');
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    // A resumed run that changes --epochs is recorded as the original command followed by the resume.
    const command = !resumeState ? commandLine(argv) : epochsGiven ? `${resumeState.command} && ${commandLine(argv)}` : resumeState.command;
    const result = await train(options, { runId, command, store, log, interrupted: () => interrupted }, resumeState);
    if (result.status === 'failed') {
      log(`run ${runId} failed: ${result.error}`);
      log(`resume with: npm run train -- --resume ${runId}`);
      return interrupted ? 130 : 1;
    }
    log(`run ${runId} complete${result.test ? `: held-out top1 ${(result.test.top1 * 100).toFixed(2)}%` : ''}`);
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`train: ${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  },
);
