/**
 * `npx edgetune advise FILE… [--json] [--format F] [--plot OUT.svg]`: the advisor on local files. Several files are
 * merged as the parts of one upload (a name containing `validation`/`val` supplies the val_ series). Prints the short
 * report, or with --json the /advise body (no `id`: nothing is stored). Exit 0 on success, 2 on bad input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { adviseUpload } from '../src/advisor/advise';
import { isFormat, parseUpload } from '../src/advisor/parse/index';
import { renderPlotSvg } from '../src/advisor/plot';
import { formatReport } from '../src/advisor/report';
import { AdvisorInputError, FORMATS, type Format } from '../src/advisor/types';

const USAGE = `usage: edgetune advise FILE... [--json] [--format ${FORMATS.join('|')}] [--plot OUT.svg]\n`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { files: string[]; json: boolean; format?: Format; plot?: string } {
  const [command, ...rest] = argv;
  if (command !== 'advise') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  const files: string[] = [];
  let json = false;
  let format: Format | undefined;
  let plot: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') json = true;
    else if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (!v || !isFormat(v)) throw new UsageError(`unknown format "${v ?? ''}" (one of ${FORMATS.join(', ')})`);
      format = v;
    } else if (a === '--plot' || a.startsWith('--plot=')) {
      plot = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (!plot) throw new UsageError('--plot needs an output path');
    } else if (a === '-h' || a === '--help') throw new UsageError('');
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) throw new UsageError('no input file');
  return { files, json, format, plot };
}

export function runCli(argv: string[], out = process.stdout, err = process.stderr): number {
  try {
    const args = parseArgs(argv);
    const parts = args.files.map((f) => {
      try {
        return { name: basename(f), bytes: new Uint8Array(readFileSync(f)) };
      } catch (e) {
        throw new AdvisorInputError('malformed', `cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    });
    const upload = parseUpload(parts, args.format);
    const advice = adviseUpload(upload);
    if (args.plot) writeFileSync(args.plot, renderPlotSvg(upload.runs[upload.runs.length - 1], advice));
    out.write(args.json ? `${JSON.stringify(advice, null, 2)}\n` : formatReport(advice));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`${e.message ? `edgetune: ${e.message}\n` : ''}${USAGE}`);
      return 2;
    }
    if (e instanceof AdvisorInputError) {
      err.write(`edgetune: ${e.message}\n${e.errors.map((x) => `  ${x.path}: ${x.message}\n`).join('')}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = runCli(process.argv.slice(2));
