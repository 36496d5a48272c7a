/**
 * npm run bench:classify — classification latency inside workerd, measured from a client over loopback.
 * 1. Inference only (bench/worker.ts): the default model on the wasm-SIMD and the cpu backend, in one run.
 *    Workers' clocks do not advance during compute, so time is taken by the client: per-request p50/p95 of one
 *    prediction (loopback HTTP included), and blocks of BLOCK predictions for the per-inference time (HTTP
 *    overhead amortised); the speed-up is the ratio of the block times.
 * 2. The real Worker: whole POST /classify of a 28×28 PNG, p50/p95.
 * 3. Cold start: the first /classify after `wrangler dev` reports ready, minus the warm p50.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeGrayPng } from './png';

const REQUESTS = 300;
const BLOCK = 200;
const BLOCKS = 5;

function start(args: string[], port: number): { child: ChildProcess; ready: Promise<void>; stateDir: string } {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'edgetune-bench-'));
  const child = spawn('npx', ['wrangler', 'dev', ...args, '--ip', '127.0.0.1', '--port', String(port), '--persist-to', stateDir], {
    detached: true,
    env: { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false' },
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready on')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`wrangler dev exited with ${code}:\n${output}`)));
  });
  return { child, ready, stateDir };
}

function stop(server: { child: ChildProcess; stateDir: string }) {
  if (server.child.pid) process.kill(-server.child.pid, 'SIGTERM');
  rmSync(server.stateDir, { recursive: true, force: true });
}

async function timed(request: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await request();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return performance.now() - t0;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => ms.toFixed(3).padStart(9);

async function benchBackends(base: string) {
  const results: Record<string, { p50: number; p95: number; mean: number }> = {};
  for (const backend of ['wasm', 'cpu']) {
    const url = (n: number) => `${base}/infer?backend=${backend}&n=${n}`;
    for (let i = 0; i < 20; i++) await timed(() => fetch(url(1))); // warm-up and model load
    const single: number[] = [];
    for (let i = 0; i < REQUESTS; i++) single.push(await timed(() => fetch(url(1))));
    const blocks: number[] = [];
    for (let i = 0; i < BLOCKS; i++) blocks.push((await timed(() => fetch(url(BLOCK)))) / BLOCK);
    results[backend] = { p50: percentile(single, 50), p95: percentile(single, 95), mean: percentile(blocks, 50) };
  }
  return results;
}

async function main() {
  const png = encodeGrayPng(28, 28, (x, y) => ((x - 14) ** 2 + (y - 14) ** 2 < 80 ? 220 : 10));
  const classify = (base: string) => () => fetch(`${base}/classify`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Blob([png as Uint8Array<ArrayBuffer>]) });

  const benchWorker = start(['-c', 'bench/wrangler.toml'], 8791);
  await benchWorker.ready;
  const backends = await benchBackends('http://127.0.0.1:8791');
  stop(benchWorker);

  const worker = start([], 8792);
  await worker.ready;
  const cold = await timed(classify('http://127.0.0.1:8792'));
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) await timed(classify('http://127.0.0.1:8792'));
  for (let i = 0; i < REQUESTS; i++) warm.push(await timed(classify('http://127.0.0.1:8792')));
  stop(worker);

  const { wasm, cpu } = backends;
  console.log('default model inside workerd, ms: one prediction per request (incl. loopback HTTP) and per prediction in blocks of ' + BLOCK);
  console.log('backend       request p50 request p95  inference');
  for (const [name, r] of Object.entries(backends)) console.log(`${name.padEnd(13)}${fmt(r.p50)}   ${fmt(r.p95)}  ${fmt(r.mean)}`);
  console.log(`wasm-SIMD speed-up over the cpu backend: ${(cpu.mean / wasm.mean).toFixed(1)}× (inference)`);
  console.log(`whole POST /classify of a 28×28 PNG over loopback: p50 ${fmt(percentile(warm, 50))} ms, p95 ${fmt(percentile(warm, 95))} ms`);
  console.log(`cold start (first /classify after ready − warm p50): ${fmt(cold - percentile(warm, 50))} ms (first request ${cold.toFixed(1)} ms)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
