/**
 * The advisor's public surface: a parsed training log → the contract's advice object. Same pipeline for the Worker,
 * the CLI and the tuner: TrainingLog → context (curves, classes, best epoch, architecture) → detectors → findings →
 * recommendations → advice.
 */
import { reviewArchitecture, summarizeArchitecture } from './architecture';
import { buildContext, type DetectorContext } from './context';
import { DETECTORS, NEEDS_FINITE_LOSS } from './detectors/index';
import { severityRank } from './finding';
import { recommend } from './recommend';
import { fmt } from './series';
import { AdvisorInputError, type Advice, type Finding, type NotAssessed, type ParsedUpload, type TrainingLog } from './types';

/**
 * Advice for one run.
 * @example adviseLog({ format: 'json', xAxis: 'epoch', run: {}, layers: [], warnings: [], metrics: { loss: [1, 0.5, 0.3] } }).status // 'healthy'
 */
export function adviseLog(log: TrainingLog): Advice {
  const architecture = log.model !== undefined ? summarizeArchitecture(log.model) : null;
  const ctx = buildContext(log, architecture);
  const hasCurves = [ctx.loss, ctx.valLoss, ctx.accuracy, ctx.valAccuracy].some((c) => c && (c.y.length > 0 || c.nonFinite.length > 0));
  if (!hasCurves && !architecture) {
    throw new AdvisorInputError('unusable', log.model !== undefined
      ? 'the model topology cannot be read (expected {class_name, config: {layers: [...]}})'
      : 'the upload has no loss or accuracy series to diagnose');
  }

  const archFindings = architecture ? reviewArchitecture(architecture) : [];
  ctx.earlier = [...archFindings];
  const curveFindings: Finding[] = [];
  const lossFinite = [ctx.loss, ctx.valLoss].some((c) => c && c.y.length > 0);
  if (hasCurves) {
    for (const [id, detect] of DETECTORS) {
      if (!lossFinite && NEEDS_FINITE_LOSS.has(id) && (ctx.loss || ctx.valLoss)) continue;
      const found = detect(ctx);
      curveFindings.push(...found);
      ctx.earlier.push(...found);
    }
  }
  const findings = combine([...curveFindings, ...archFindings], ctx).sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.confidence - a.confidence,
  );
  const recommendations = recommend(findings, ctx);
  const worst = findings.reduce((w, f) => Math.max(w, severityRank(f.severity)), 0);
  const status: Advice['status'] = worst === 2 ? 'critical' : worst === 1 ? 'warning' : 'healthy';
  const advice: Advice = {
    format: log.format,
    xAxis: log.xAxis,
    epochs: ctx.length,
    status,
    bestEpoch: ctx.best?.epoch ?? null,
    lastIsBest: ctx.best ? ctx.best.lastIsBest : null,
    findings,
    recommendations,
    notAssessed: notAssessed(ctx, hasCurves, lossFinite, findings),
    warnings: [...(log.warnings ?? [])],
    summary: '',
  };
  advice.summary = summarize(advice, ctx);
  return advice;
}

/**
 * Advice for an upload: one run → that run's advice; several appended runs → the last run's advice at the top level
 * with every run's advice in `segments`, and the parser's warnings first.
 */
export function adviseUpload(upload: ParsedUpload): Advice {
  if (!upload.runs || upload.runs.length === 0) throw new AdvisorInputError('unusable', 'the upload contains no training run');
  const segments = upload.runs.map((run) => adviseLog(run));
  const top = segments[segments.length - 1];
  const warnings = [...(upload.warnings ?? [])];
  for (const s of segments) for (const w of s.warnings) if (!warnings.includes(w)) warnings.push(w);
  if (segments.length === 1) return { ...top, warnings };
  return {
    ...top,
    warnings,
    segments,
    summary: `${segments.length} runs in one upload; the last: ${top.summary}`,
  };
}

/** One story told once: a dead ReLU output layer is the output-activation mismatch, not a separate finding. */
function combine(findings: Finding[], ctx: DetectorContext): Finding[] {
  const mismatch = findings.find((f) => f.id === 'output_activation_mismatch');
  const out = ctx.architecture?.outputLayer;
  if (!mismatch || !out || ctx.architecture?.outputActivation !== 'relu') return findings;
  const lastLayer = ctx.log.layers?.at(-1)?.name;
  return findings.filter((f) => {
    if (f.id === 'dead_relu' && (f.layer === out.name || f.layer === lastLayer)) {
      mismatch.evidence += `; ${f.evidence} — the dead units are the ReLU output itself`;
      mismatch.epoch ??= f.epoch;
      mismatch.severity = 'critical';
      return false;
    }
    return true;
  });
}

function notAssessed(ctx: DetectorContext, hasCurves: boolean, lossFinite: boolean, findings: Finding[]): NotAssessed[] {
  const out: NotAssessed[] = [];
  const has = (id: string) => findings.some((f) => f.id === id);
  if (!hasCurves) {
    out.push({ what: 'training curves', why: 'the upload is a model topology only; curve findings need a training log' });
    return out;
  }
  if (!lossFinite && (ctx.loss || ctx.valLoss)) out.push({ what: 'trends', why: 'every loss value is non-finite, so no trend can be judged' });
  if (!ctx.valLoss && !ctx.valAccuracy) out.push({ what: 'overfitting', why: 'no validation series in the upload' });
  else if (!ctx.valLoss || !ctx.loss) out.push({ what: 'overfitting', why: `overfitting is judged on val_loss against loss; the upload has ${ctx.valLoss ? 'no training loss' : 'no val_loss'}` });
  const layers = ctx.log.layers ?? [];
  if (!layers.some((l) => l.deadFraction)) out.push({ what: 'dead_relu', why: 'no per-layer statistics (deadFraction) in the upload' });
  if (!layers.some((l) => l.saturatedFraction || (l.deadFraction && l.activation && /sigmoid|tanh/.test(l.activation))))
    out.push({ what: 'saturated_activations', why: 'no per-layer activation statistics for sigmoid/tanh layers' });
  const gradLayers = layers.filter((l) => l.gradNorm).length;
  if (gradLayers < 2 && !has('vanishing_gradients'))
    out.push({ what: 'vanishing_gradients', why: 'needs per-layer gradient norms (first vs last layer)' });
  else if (gradLayers < 2) out.push({ what: 'vanishing_gradients', why: 'suggested from the loss curve only; per-layer gradient norms would confirm it' });
  if (gradLayers === 0 && !ctx.gradNorm) out.push({ what: 'exploding_gradients', why: 'no gradient norms in the upload' });
  if (!ctx.architecture) out.push({ what: 'architecture', why: 'no model topology in the upload' });
  return out;
}

function summarize(a: Advice, ctx: DetectorContext): string {
  const serious = a.findings.filter((f) => f.severity !== 'info');
  const best = ctx.best ? ` Best ${ctx.unit} ${ctx.best.epoch} (${ctx.best.metric} ${fmt(ctx.best.value)})${ctx.best.lastIsBest ? ', the last one' : ''}.` : '';
  if (serious.length === 0) {
    return `Healthy: no warning over ${a.epochs} ${a.xAxis}s.${best}${a.findings.length ? ` Notes: ${a.findings.map((f) => f.title.toLowerCase()).join('; ')}.` : ''}`;
  }
  const top = a.recommendations[0];
  const action = top ? ` First change: ${top.parameter} ${top.action} ${typeof top.value === 'boolean' ? '' : `→ ${top.value}`}`.trimEnd() + '.' : '';
  return `${a.status === 'critical' ? 'Critical' : 'Warning'}: ${serious.map((f) => f.title).join('; ')}.${best}${action}`;
}
