/**
 * Runs a Worker the way Cloudflare would receive it: `wrangler deploy --dry-run` builds the upload bundle, and
 * Miniflare serves that bundle straight from workerd (no `wrangler dev` proxy in front), so a benchmark measures the
 * Worker and the runtime, not the development tooling.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';

export interface Bundle {
  dir: string;
  /** The entry module wrangler wrote (named after the config's `main`). */
  entry: string;
  /** What wrangler reports it would upload, e.g. "4518.12 KiB / gzip: 1326.40 KiB". */
  uploadSize: string;
  remove(): void;
}

/** Builds the deploy bundle of a wrangler config into a temporary folder. */
export function buildBundle(config = 'wrangler.toml'): Bundle {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgetune-bundle-'));
  const output = execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', dir, '-c', config], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const uploadSize = /Total Upload:\s*([^\n]+)/.exec(output)?.[1].trim() ?? 'unknown';
  const entry = readdirSync(dir).find((file) => file.endsWith('.js'));
  if (!entry) throw new Error(`wrangler wrote no .js entry into ${dir}`);
  return { dir, entry: path.join(dir, entry), uploadSize, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Serves a built bundle from workerd on a free loopback port; resolves once workerd accepts requests. */
export async function serveBundle(bundle: Bundle, compatibilityDate: string): Promise<{ url: URL; stop: () => Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: bundle.entry,
    modulesRoot: bundle.dir,
    modulesRules: [
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
      { type: 'Data', include: ['**/*.bin'] },
    ],
    compatibilityDate,
    d1Databases: { DB: 'edgetune-bench' },
    bindings: { API_TOKEN: 'bench-token' },
    host: '127.0.0.1',
    port: 0,
  });
  return { url: await mf.ready, stop: () => mf.dispose() };
}
