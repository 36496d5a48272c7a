/** The command behind `npm run model:add`: argv in, report on `out`, problems on `err`, exit code out. */
import type { Writable } from 'node:stream';
import { addModel } from './add-model.js';
import { ModelAddError } from './errors.js';
import { parseModelAddArgs, USAGE } from './options.js';

/** The command line as a user would retype it (recorded in the manifest). */
function commandLine(argv: string[]): string {
  const quote = (a: string) => (/^[\w./:=,@+%-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const program = process.env.npm_lifecycle_event === 'model:add' ? 'npm run model:add --' : 'tsx scripts/model-add.ts';
  return `${program} ${argv.map(quote).join(' ')}`.trim();
}

/**
 * Runs `npm run model:add` with the arguments after `--`: 0 on success, 2 on bad input (nothing written), 1 on an
 * unexpected failure.
 * @example process.exit(await runModelAdd(process.argv.slice(2)))
 */
export async function runModelAdd(argv: string[], out: Writable = process.stdout, err: Writable = process.stderr): Promise<number> {
  const warn = (message: string) => err.write(`model:add: warning: ${message}\n`);
  try {
    const parsed = parseModelAddArgs(argv);
    if (parsed.help) {
      out.write(USAGE);
      return 0;
    }
    const added = await addModel(parsed.options, commandLine(argv), warn);
    const { manifest, facts } = added;
    const scale = manifest.preprocessing.scale;
    out.write(
      [
        `added ${added.dir}/ from ${added.location} (${facts.format})`,
        `  input shape  ${manifest.inputShape.join('×')} (h×w×c)`,
        `  classes      ${manifest.labels.length}: ${manifest.labels.slice(0, 5).join(', ')}${manifest.labels.length > 5 ? ', …' : ''}`,
        `  params       ${manifest.params.toLocaleString('en-US')}`,
        `  outputs      ${manifest.outputs}`,
        `  scale        ${Array.isArray(scale) ? `[${scale.join(', ')}]` : `mean ${scale.mean.join(',')} std ${scale.std.join(',')}`}${manifest.preprocessing.invertLightBackground ? ', inverting light backgrounds' : ''}`,
        `verified: the copy loads on the tfjs cpu backend and maps a zero input to ${added.zeroOutput.length} outputs`,
        `updated ${added.indexFile}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof ModelAddError) {
      err.write(`model:add: ${error.message}\n`);
      if (/^(missing|unknown option|expected one)/.test(error.message)) err.write(USAGE);
      return 2;
    }
    err.write(`model:add: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

