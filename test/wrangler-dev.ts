import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** How long `wrangler dev` may take to answer /health on a busy two-core machine. */
const STARTUP_DEADLINE_MS = 180_000;

export interface RunningWorker {
  base: string;
  stop(): void;
}

const wranglerEnv = { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

/**
 * The Worker as a person starts it (`npm start`): local D1 migrated (unless `migrate: false`, for callers that never
 * touch D1), then `wrangler dev` with the real wrangler.toml, its state in a fresh directory. `E2E_BASE_URL` points
 * the callers at an already running one instead. Used by the browser tests, the production-settings test and
 * `npm run bench:classify`.
 */
export async function startWorker(options: { migrate?: boolean } = {}): Promise<RunningWorker> {
  if (process.env.E2E_BASE_URL) return { base: process.env.E2E_BASE_URL.replace(/\/$/, ''), stop: () => {} };
  const state = mkdtempSync(path.join(tmpdir(), 'edgetune-dev-'));
  if (options.migrate !== false) {
    execFileSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'edgetune', '--local', '--persist-to', state], {
      stdio: 'ignore',
      env: wranglerEnv,
      timeout: 120_000,
    });
  }
  const port = await freePort();
  const server = spawn(
    'npx',
    ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false'],
    // Detached: its own process group, so stop() ends wrangler and the workerd it starts.
    { stdio: 'ignore', detached: true, env: wranglerEnv },
  );
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    rmSync(state, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(`${base}/health`, () => server.exitCode);
  } catch (error) {
    stop();
    throw error;
  }
  return { base, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(url: string, exitCode: () => number | null): Promise<void> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (exitCode() !== null) throw new Error(`wrangler dev exited with code ${exitCode()} before answering ${url}`);
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
