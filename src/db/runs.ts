import { and, eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { epochs, layerStats, runs } from './schema';
import { EpochRecordSchema, RunRecordSchema, type EpochRecord, type RunRecord } from './records';

/** D1 binds at most 100 parameters per statement; layer_stats rows have 7 columns, so 14 rows per insert. */
const D1_MAX_BOUND_PARAMETERS = 100;
const LAYER_ROWS_PER_INSERT = Math.floor(D1_MAX_BOUND_PARAMETERS / 7);
const EPOCH_ROWS_PER_INSERT = Math.floor(D1_MAX_BOUND_PARAMETERS / 4);

/** Non-finite numbers have no JSON or SQLite-real form that survives a round trip: store them as null. */
const finiteOrNull = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function runExists(d1: D1Database, id: string): Promise<boolean> {
  const row = await drizzle(d1).select({ id: runs.id }).from(runs).where(eq(runs.id, id)).get();
  return row !== undefined;
}

/**
 * Creates or replaces a run record (client-chosen id).
 * @example await upsertRun(env.DB, crypto.randomUUID(), { name: 'fm', model: 'cnn', dataset: 'fashion-mnist', status: 'running', hyperparameters: {}, startedAt: new Date().toISOString() })
 */
export async function upsertRun(d1: D1Database, id: string, record: RunRecord): Promise<'created' | 'updated'> {
  const r = RunRecordSchema.parse(record);
  const existed = await runExists(d1, id);
  const values = {
    name: r.name,
    model: r.model,
    dataset: r.dataset,
    status: r.status,
    hyperparameters: r.hyperparameters,
    final: r.final ?? null,
    parentId: r.parentId ?? null,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt ?? null,
    updatedAt: new Date().toISOString(),
  };
  await drizzle(d1)
    .insert(runs)
    .values({ id, ...values })
    .onConflictDoUpdate({ target: runs.id, set: values });
  return existed ? 'updated' : 'created';
}

/**
 * Writes epochs (and their layer statistics) of an existing run in one D1 batch: all or none. Re-sending an epoch
 * replaces it (last write wins). Returns which epochs were new.
 */
export async function upsertEpochs(d1: D1Database, runId: string, records: EpochRecord[]): Promise<{ created: number[]; updated: number[] }> {
  const parsed = records.map((r) => EpochRecordSchema.parse(r));
  if (parsed.length === 0) return { created: [], updated: [] };
  const db = drizzle(d1);
  const numbers = [...new Set(parsed.map((e) => e.epoch))];
  const numberChunks = chunks(numbers, D1_MAX_BOUND_PARAMETERS - 2);
  const existing = new Set<number>();
  for (const chunk of numberChunks) {
    const rows = await db.select({ epoch: epochs.epoch }).from(epochs).where(and(eq(epochs.runId, runId), inArray(epochs.epoch, chunk))).all();
    for (const row of rows) existing.add(row.epoch);
  }
  const epochRows = parsed.map((e) => ({
    runId,
    epoch: e.epoch,
    metrics: Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [k, finiteOrNull(v)])),
    seconds: finiteOrNull(e.seconds),
  }));
  const layerRows = parsed.flatMap((e) =>
    e.layers.map((l) => ({
      runId,
      epoch: e.epoch,
      layer: l.name,
      deadFraction: finiteOrNull(l.deadFraction),
      gradNorm: finiteOrNull(l.gradNorm),
      weightNorm: finiteOrNull(l.weightNorm),
      updateRatio: finiteOrNull(l.updateRatio),
    })),
  );
  const statements: BatchItem<'sqlite'>[] = numberChunks.map((chunk) =>
    db.delete(layerStats).where(and(eq(layerStats.runId, runId), inArray(layerStats.epoch, chunk))),
  );
  for (const chunk of chunks(epochRows, EPOCH_ROWS_PER_INSERT)) {
    statements.push(
      db
        .insert(epochs)
        .values(chunk)
        .onConflictDoUpdate({
          target: [epochs.runId, epochs.epoch],
          set: { metrics: sql`excluded.metrics`, seconds: sql`excluded.seconds` },
        }),
    );
  }
  for (const chunk of chunks(layerRows, LAYER_ROWS_PER_INSERT)) {
    statements.push(db.insert(layerStats).values(chunk).onConflictDoNothing());
  }
  statements.push(db.update(runs).set({ updatedAt: new Date().toISOString() }).where(eq(runs.id, runId)));
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  return { created: numbers.filter((n) => !existing.has(n)), updated: numbers.filter((n) => existing.has(n)) };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
