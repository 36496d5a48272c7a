/** Worker bindings, typed once (see wrangler.toml). */
export interface Bindings {
  DB: D1Database;
  ASSETS?: Fetcher;
  /** Bearer token that guards the run-ingestion routes (`wrangler secret put API_TOKEN`; `.dev.vars` locally). */
  API_TOKEN?: string;
}

export interface Variables {
  requestId: string;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
