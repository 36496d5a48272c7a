/**
 * Scores the advisor against a labelled folder of training logs (format of ../shared/curves/labels.json).
 *
 *   npm run eval:advisor -- DIR [--json] [--verbose]
 *
 * A file is right when one of its `expect_any` ids is reported at warning or critical; `[]` is right when nothing is
 * reported at warning or critical; `null` (a parser edge case) is right when the file parses and advises without
 * error. For uploads split into several runs (`segments`) the verdict uses the union of all segments' findings: a
 * label describes the file, and a problem in any run of it is a problem the user should hear about.
 *
 * Held-aside split: items whose 0-based index in `labels.items` satisfies `index % 3 === 2` (every third item) are
 * the held-aside third; thresholds were tuned only on the other two thirds.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { adviseUpload } from '../src/advisor/advise';
import { parseUpload } from '../src/advisor/parse/index';
import type { Advice, Finding } from '../src/advisor/types';

interface LabelItem {
  file: string;
  expect_any: string[] | null;
  label?: string;
}

export interface Verdict {
  index: number;
  file: string;
  heldAside: boolean;
  expected: string[] | null;
  reported: string[];
  right: boolean;
  error?: string;
}

/** Every third item (index % 3 === 2) is held aside from tuning. */
export const isHeldAside = (index: number) => index % 3 === 2;

function allFindings(advice: Advice): Finding[] {
  return advice.segments ? advice.segments.flatMap((s) => s.findings) : advice.findings;
}

export function evaluate(dir: string): Verdict[] {
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as { items: LabelItem[] };
  return labels.items.map((item, index) => {
    const base = { index, file: item.file, heldAside: isHeldAside(index), expected: item.expect_any };
    try {
      const bytes = new Uint8Array(readFileSync(join(dir, item.file)));
      const advice = adviseUpload(parseUpload([{ name: basename(item.file), bytes }]));
      const serious = allFindings(advice).filter((f) => f.severity !== 'info');
      const reported = [...new Set(serious.map((f) => `${f.id}:${f.severity}`))];
      const ids = new Set(serious.map((f) => f.id as string));
      const right = item.expect_any === null ? true : item.expect_any.length === 0 ? ids.size === 0 : item.expect_any.some((id) => ids.has(id));
      return { ...base, reported, right };
    } catch (err) {
      return { ...base, reported: [], right: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  });
}

function score(vs: Verdict[]): string {
  const right = vs.filter((v) => v.right).length;
  return `${right}/${vs.length} = ${vs.length ? ((100 * right) / vs.length).toFixed(1) : '0.0'}%`;
}

function main(argv: string[]): number {
  const dir = argv.find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: npm run eval:advisor -- DIR [--json] [--verbose]   (DIR holds labels.json)\n');
    return 2;
  }
  const verdicts = evaluate(resolve(dir));
  const tuning = verdicts.filter((v) => !v.heldAside);
  const held = verdicts.filter((v) => v.heldAside);
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ overall: score(verdicts), tuning: score(tuning), heldAside: score(held), verdicts }, null, 2)}\n`);
    return 0;
  }
  for (const v of verdicts) {
    const exp = v.expected === null ? 'parses' : v.expected.length === 0 ? 'healthy' : v.expected.join('|');
    const got = v.error ?? (v.reported.length ? v.reported.join(', ') : 'no warning');
    process.stdout.write(`${v.right ? 'RIGHT' : 'WRONG'} ${v.heldAside ? '[held]' : '[tune]'} ${v.file}\n      expected ${exp}; reported ${got}\n`);
  }
  process.stdout.write(`\noverall     ${score(verdicts)}\ntuning 2/3  ${score(tuning)}\nheld-aside  ${score(held)} (items with index % 3 === 2)\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) process.exitCode = main(process.argv.slice(2));
