import { z } from '@hono/zod-openapi';

/** Metric values as JSON carries them: numbers, or null for missing/non-finite (JSON has no NaN). */
const MetricValue = z.number().nullable();

export const RunStatusSchema = z.enum(['running', 'complete', 'failed', 'incomplete']);

/** CONTRACT.md "Run record": what `PUT /runs/:id` takes and the training script sends. */
export const RunRecordSchema = z
  .object({
    name: z.string().min(1).max(200),
    model: z.string().min(1).max(200),
    dataset: z.string().min(1).max(500),
    status: RunStatusSchema,
    hyperparameters: z.record(z.string(), z.unknown()).default({}),
    startedAt: z.iso.datetime({ offset: true }),
    finishedAt: z.iso.datetime({ offset: true }).nullish(),
    final: z.record(z.string(), z.unknown()).nullish(),
    parentId: z.string().max(100).nullish(),
  })
  .openapi('RunRecord');
export type RunRecord = z.input<typeof RunRecordSchema>;

const LayerStatSchema = z
  .object({
    name: z.string().min(1).max(200),
    deadFraction: MetricValue.optional(),
    gradNorm: MetricValue.optional(),
    weightNorm: MetricValue.optional(),
    updateRatio: MetricValue.optional(),
  })
  .openapi('LayerStat');

/** CONTRACT.md "Epoch record". */
export const EpochRecordSchema = z
  .object({
    epoch: z.number().int().min(0).max(1_000_000),
    metrics: z.record(z.string().max(200), MetricValue),
    layers: z.array(LayerStatSchema).max(1000).default([]),
    seconds: z.number().nonnegative().nullish(),
  })
  .openapi('EpochRecord');
export type EpochRecord = z.input<typeof EpochRecordSchema>;
