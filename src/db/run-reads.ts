import { and, asc, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { epochs, layerStats, runs } from './schema';

/** A `running` run whose writer has been silent this long is shown as `incomplete` (killed without a goodbye). */
const STALE_RUN_MS = 30 * 60 * 1000;

export type RunRow = typeof runs.$inferSelect;
export type RunStatus = RunRow['status'];

export interface RunCursor {
  startedAt: string;
  id: string;
}

export interface RunListQuery {
  limit: number;
  /** The decoded `cursor` of the previous page: list the runs after this one. */
  after?: RunCursor | null;
  dataset?: string;
  model?: string;
  status?: RunStatus;
}

/** What a reader sees: a silent `running` run is `incomplete`. */
export function visibleStatus(row: Pick<RunRow, 'status' | 'updatedAt'>, now = Date.now()): RunStatus {
  return row.status === 'running' && now - Date.parse(row.updatedAt) > STALE_RUN_MS ? 'incomplete' : row.status;
}

function encodeCursor(row: RunCursor): string {
  return btoa(JSON.stringify([row.startedAt, row.id])).replace(/=+$/, '');
}

/** Returns null for a cursor this API did not issue. */
export function decodeCursor(cursor: string): RunCursor | null {
  try {
    const [startedAt, id] = JSON.parse(atob(cursor)) as unknown[];
    return typeof startedAt === 'string' && typeof id === 'string' ? { startedAt, id } : null;
  } catch {
    return null;
  }
}

/** Newest first (by start time, then id), keyset-paginated so pages stay stable while runs are added. */
export async function listRuns(d1: D1Database, query: RunListQuery, now = Date.now()): Promise<{ rows: RunRow[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (query.dataset) conditions.push(eq(runs.dataset, query.dataset));
  if (query.model) conditions.push(eq(runs.model, query.model));
  const staleBefore = new Date(now - STALE_RUN_MS).toISOString();
  if (query.status === 'incomplete') {
    conditions.push(or(eq(runs.status, 'incomplete'), and(eq(runs.status, 'running'), lt(runs.updatedAt, staleBefore)))!);
  } else if (query.status === 'running') {
    conditions.push(and(eq(runs.status, 'running'), gte(runs.updatedAt, staleBefore))!);
  } else if (query.status) {
    conditions.push(eq(runs.status, query.status));
  }
  const { after } = query;
  if (after) {
    conditions.push(or(lt(runs.startedAt, after.startedAt), and(eq(runs.startedAt, after.startedAt), lt(runs.id, after.id)))!);
  }
  const rows = await drizzle(d1)
    .select()
    .from(runs)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(runs.startedAt), desc(runs.id))
    .limit(query.limit + 1)
    .all();
  const page = rows.slice(0, query.limit);
  return { rows: page, nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null };
}

export interface RunDetail {
  run: RunRow;
  epochs: Array<{ epoch: number; metrics: Record<string, number | null>; seconds: number | null; layers: Array<Omit<typeof layerStats.$inferSelect, 'runId' | 'epoch' | 'layer'> & { name: string }> }>;
}

export async function getRunDetail(d1: D1Database, id: string): Promise<RunDetail | null> {
  const db = drizzle(d1);
  const run = await db.select().from(runs).where(eq(runs.id, id)).get();
  if (!run) return null;
  const [epochRows, layerRows] = await Promise.all([
    db.select().from(epochs).where(eq(epochs.runId, id)).orderBy(asc(epochs.epoch)).all(),
    db.select().from(layerStats).where(eq(layerStats.runId, id)).orderBy(asc(layerStats.epoch)).all(),
  ]);
  const layersByEpoch = new Map<number, RunDetail['epochs'][number]['layers']>();
  for (const { runId: _r, epoch, layer, ...stats } of layerRows) {
    const list = layersByEpoch.get(epoch) ?? [];
    list.push({ name: layer, ...stats });
    layersByEpoch.set(epoch, list);
  }
  return {
    run,
    epochs: epochRows.map((e) => ({ epoch: e.epoch, metrics: e.metrics, seconds: e.seconds, layers: layersByEpoch.get(e.epoch) ?? [] })),
  };
}
