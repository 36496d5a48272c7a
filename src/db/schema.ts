import { sqliteTable, text, integer, real, primaryKey, index } from 'drizzle-orm/sqlite-core';

/** One training run, written by `npm run train` (directly or through the ingestion API). */
export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    model: text('model').notNull(),
    dataset: text('dataset').notNull(),
    status: text('status', { enum: ['running', 'complete', 'failed', 'incomplete'] }).notNull(),
    hyperparameters: text('hyperparameters', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    final: text('final', { mode: 'json' }).$type<Record<string, unknown>>(),
    parentId: text('parent_id'),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('runs_started_idx').on(t.startedAt, t.id), index('runs_dataset_idx').on(t.dataset)],
);

/** One finished epoch of a run: the metrics dictionary as the trainer logged it. */
export const epochs = sqliteTable(
  'epochs',
  {
    runId: text('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    epoch: integer('epoch').notNull(),
    metrics: text('metrics', { mode: 'json' }).$type<Record<string, number | null>>().notNull(),
    seconds: real('seconds'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.epoch] })],
);

/** Per-layer statistics of one epoch (dead units on the probe batch, gradient/weight norms, update ratio). */
export const layerStats = sqliteTable(
  'layer_stats',
  {
    runId: text('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    epoch: integer('epoch').notNull(),
    layer: text('layer').notNull(),
    deadFraction: real('dead_fraction'),
    gradNorm: real('grad_norm'),
    weightNorm: real('weight_norm'),
    updateRatio: real('update_ratio'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.epoch, t.layer] })],
);

/** Every `/advise` call: what was uploaded (digest, not the bytes) and the advice returned. */
export const adviceRequests = sqliteTable('advice_requests', {
  id: text('id').primaryKey(),
  createdAt: text('created_at').notNull(),
  inputDigest: text('input_digest').notNull(),
  format: text('format').notNull(),
  status: text('status').notNull(),
  findings: text('findings', { mode: 'json' }).$type<string[]>().notNull(),
  advice: text('advice', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** The rendered plot: the uploaded bytes are not kept, so the picture is stored with the verdict. */
  plotSvg: text('plot_svg'),
});
