/** The short human report the CLI prints: status, best epoch, findings with evidence, ranked changes. */
import type { Advice } from './types';

const MARK = { critical: '✖', warning: '▲', info: '·' } as const;

function formatOne(a: Advice, indent = ''): string[] {
  const lines: string[] = [];
  const best = a.bestEpoch !== null ? `, best ${a.xAxis} ${a.bestEpoch}${a.lastIsBest ? ' (the last)' : ''}` : '';
  lines.push(`${indent}${a.status.toUpperCase()} — ${a.format}, ${a.epochs} ${a.xAxis}s${best}`);
  lines.push(`${indent}${a.summary}`);
  if (a.findings.length) {
    lines.push(`${indent}Findings:`);
    for (const f of a.findings) {
      const at = f.epoch !== null ? ` @${a.xAxis} ${f.epoch}` : '';
      lines.push(`${indent}  ${MARK[f.severity]} ${f.severity} ${f.id}${at}${f.layer ? ` [${f.layer}]` : ''} (${Math.round(f.confidence * 100)}%): ${f.title}`);
      lines.push(`${indent}      ${f.evidence}`);
    }
  }
  if (a.recommendations.length) {
    lines.push(`${indent}Recommendations:`);
    for (const r of a.recommendations) {
      lines.push(`${indent}  ${r.priority}. ${r.parameter}${r.layer ? ` [${r.layer}]` : ''}: ${r.action} → ${String(r.value)}  (${r.addresses.join(', ')})`);
      lines.push(`${indent}      ${r.rationale}`);
    }
  }
  if (a.notAssessed.length) lines.push(`${indent}Not assessed: ${a.notAssessed.map((n) => `${n.what} (${n.why})`).join('; ')}`);
  return lines;
}

/**
 * @example formatReport(adviseLog(log)) // "WARNING — keras-csv, 29 epochs, best epoch 18\n…"
 */
export function formatReport(advice: Advice): string {
  const lines: string[] = [];
  for (const w of advice.warnings) lines.push(`note: ${w}`);
  if (advice.segments && advice.segments.length > 1) {
    advice.segments.forEach((s, i) => {
      lines.push(`Run ${i + 1} of ${advice.segments!.length}:`);
      lines.push(...formatOne(s, '  '));
    });
  } else lines.push(...formatOne(advice));
  return `${lines.join('\n')}\n`;
}
