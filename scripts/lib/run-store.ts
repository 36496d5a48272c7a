/**
 * Where a training run and its epochs are stored (CONTRACT.md run and epoch records): the Worker's ingestion API
 * (`--remote URL --token T`, or a local `npm start` server), or the local D1 that `npm start` serves, opened with
 * wrangler's getPlatformProxy and written with the Worker's own Drizzle queries. Two workerd processes writing one
 * local SQLite file collide (SQLITE_BUSY), hence the HTTP door whenever a local server answers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { EpochRecord, RunRecord } from '../../src/db/records.js';

export type { EpochRecord, RunRecord };

export interface RunStore {
  /** Human-readable destination for logs. */
  readonly description: string;
  putRun(id: string, record: RunRecord): Promise<void>;
  putEpochs(id: string, epochs: EpochRecord[]): Promise<void>;
  close(): Promise<void>;
}

export const LOCAL_SERVER = 'http://127.0.0.1:8787';
/** How long to wait for a local server's /health before falling back to local D1. */
const LOCAL_PROBE_TIMEOUT_MS = 700;

/** Ingestion API client. */
export function createHttpRunStore(baseUrl: string, token: string): RunStore {
  const base = baseUrl.replace(/\/+$/, '');
  const send = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  return {
    description: `${base} (ingestion API)`,
    putRun: (id, record) => send('PUT', `/runs/${encodeURIComponent(id)}`, record),
    putEpochs: async (id, epochs) => {
      if (epochs.length === 1) await send('PUT', `/runs/${encodeURIComponent(id)}/epochs/${epochs[0].epoch}`, epochs[0]);
      else if (epochs.length) await send('POST', `/runs/${encodeURIComponent(id)}/epochs`, { epochs });
    },
    close: async () => {},
  };
}

/**
 * Local D1 through getPlatformProxy (wrangler.toml's DB binding). `persistPath` is the v3 state folder
 * (default `.wrangler/state/v3`, what `npm start` uses); missing tables are migrated with wrangler first.
 */
export async function createD1RunStore(persistPath = '.wrangler/state/v3'): Promise<RunStore> {
  const { getPlatformProxy } = await import('wrangler');
  const { upsertEpochs, upsertRun } = await import('../../src/db/runs.js');
  const proxy = await getPlatformProxy<{ DB: D1Database }>({ persist: { path: persistPath } });
  const db = proxy.env.DB;
  const hasRuns = await db
    .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='runs'")
    .first()
    .catch(() => null);
  if (!hasRuns) {
    // wrangler records applied migrations, so a later `npm start` does not re-apply them.
    const persistTo = persistPath.replace(/[\\/]v3[\\/]?$/, '');
    execFileSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
      stdio: 'ignore',
      env: { ...process.env, CI: '1' },
    });
  }
  return {
    description: `local D1 (${persistPath})`,
    putRun: async (id, record) => {
      await upsertRun(db, id, record);
    },
    putEpochs: async (id, epochs) => {
      await upsertEpochs(db, id, epochs);
    },
    close: () => proxy.dispose(),
  };
}

/** The dev token `npm start` uses (`API_TOKEN=` in .dev.vars). */
export function readDevToken(file = '.dev.vars'): string | undefined {
  if (!existsSync(file)) return undefined;
  const match = /^\s*API_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(file, 'utf8'));
  return match?.[1].trim();
}

async function localServerAnswers(): Promise<boolean> {
  try {
    await fetch(`${LOCAL_SERVER}/health`, { signal: AbortSignal.timeout(LOCAL_PROBE_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  }
}

/** A store that does nothing (`--store none`). */
export const NO_RUN_STORE: RunStore = {
  description: 'not stored (--store none)',
  putRun: async () => {},
  putEpochs: async () => {},
  close: async () => {},
};

/**
 * Picks the store: explicit `--remote`, else a local server if one answers (auto), else local D1.
 * @example const store = await openRunStore({store: 'auto'})
 */
export async function openRunStore(options: { store: 'auto' | 'http' | 'd1' | 'none'; remote?: string; token?: string; d1Persist?: string }): Promise<RunStore> {
  if (options.store === 'none') return NO_RUN_STORE;
  if (options.remote) return createHttpRunStore(options.remote, options.token ?? '');
  if (options.store === 'http' || (options.store === 'auto' && (await localServerAnswers()))) {
    const token = options.token ?? readDevToken();
    if (!token) throw new Error(`a server answers on ${LOCAL_SERVER} but no --token was given and .dev.vars has no API_TOKEN`);
    return createHttpRunStore(LOCAL_SERVER, token);
  }
  return createD1RunStore(options.d1Persist);
}

/**
 * Keeps training alive when the store is briefly unavailable (server restarting, SQLITE_BUSY): failed writes are
 * logged and retried with the next write; `close` makes a last attempt. The checkpoint holds the full history anyway.
 */
export function resilientRunStore(store: RunStore, log: (line: string) => void): RunStore {
  let pendingRun: { id: string; record: RunRecord } | undefined;
  const pendingEpochs = new Map<number, EpochRecord>();
  let runId = '';
  const flush = async () => {
    if (pendingRun) {
      await store.putRun(pendingRun.id, pendingRun.record);
      pendingRun = undefined;
    }
    if (pendingEpochs.size && runId) {
      const epochs = [...pendingEpochs.values()].sort((a, b) => a.epoch - b.epoch);
      await store.putEpochs(runId, epochs);
      pendingEpochs.clear();
    }
  };
  const attempt = async () => {
    try {
      await flush();
    } catch (error) {
      log(`run store (${store.description}) unavailable, will retry: ${error instanceof Error ? error.message : error}`);
    }
  };
  return {
    description: store.description,
    putRun: async (id, record) => {
      runId = id;
      pendingRun = { id, record };
      await attempt();
    },
    putEpochs: async (id, epochs) => {
      runId = id;
      for (const e of epochs) pendingEpochs.set(e.epoch, e);
      await attempt();
    },
    close: async () => {
      await attempt();
      await store.close();
    },
  };
}
