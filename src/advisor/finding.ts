/** The one way detectors build a finding, so every finding carries the same fields in the same order. */
import type { Finding, FindingId, Severity } from './types';

export function finding(
  id: FindingId,
  severity: Severity,
  epoch: number | null,
  confidence: number,
  title: string,
  evidence: string,
  layer?: string,
): Finding {
  const f: Finding = { id, severity, epoch, confidence: Math.round(Math.min(0.99, Math.max(0.05, confidence)) * 100) / 100, title, evidence };
  if (layer !== undefined) f.layer = layer;
  return f;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Severity order for sorting and for the advice `status`. */
export function severityRank(s: Severity): number {
  return RANK[s];
}
