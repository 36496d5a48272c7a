/**
 * npm run bench:classify — classification latency inside workerd, measured from a client over loopback.
 * Every Worker is the bundle `wrangler deploy --dry-run` builds, served by workerd through Miniflare (bench/workerd.ts).
 * 1. Inference only (bench/worker.ts): the default model on the wasm-SIMD and the cpu backend, in one run.
 *    Workers' clocks do not advance during compute, so time is taken by the client: per-request p50/p95 of one
 *    prediction (loopback HTTP included), and blocks of BLOCK predictions for the per-inference time (HTTP
 *    overhead amortised); the speed-up is the ratio of the block times.
 * 2. The real Worker: whole POST /classify of a held-out 28×28 garment as PNG, JPEG and WebP, p50/p95, next to
 *    GET /health as the floor of a loopback round trip.
 * 3. Cold start: a fresh workerd per sample; the first /classify after it accepts requests, minus the warm p50.
 * 4. For comparison, the same PNG request through `npm start` (`wrangler dev` and its proxy).
 * The client is node:http with one kept-alive socket: Node's fetch (undici) added 0.3–1.4 ms per request against
 * workerd here (GET /health p50 2.08 ms with fetch, 0.68 ms with node:http), which would hide the Worker's own time.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { FASHION_FIXTURES } from '../test/fixtures/images/fashion-fixtures';
import { startWorker } from '../test/wrangler-dev';
import { buildBundle, serveBundle } from './workerd';

const COMPATIBILITY_DATE = '2026-04-20'; // as wrangler.toml and bench/wrangler.toml
const REQUESTS = 500;
const BLOCK = 200;
const BLOCKS = 5;
const COLD_SAMPLES = 5;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request over the kept-alive socket; resolves when the whole response body has arrived. */
function send(url: URL, init: { method?: string; type?: string; body?: Buffer } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = init.body ? { 'content-type': init.type ?? 'application/octet-stream', 'content-length': init.body.length } : {};
    const req = http.request(url, { method: init.method ?? 'GET', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode} from ${url}`))));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function timed(request: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await request();
  return performance.now() - t0;
}

async function samples(n: number, request: () => Promise<void>, warmUp = 50): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await timed(request);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timed(request));
  return out;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => ms.toFixed(3).padStart(8);
const row = (name: string, values: number[]) => `${name.padEnd(36)}${fmt(percentile(values, 50))} ${fmt(percentile(values, 95))}`;

const garment = FASHION_FIXTURES[1]; // a held-out Trouser
const IMAGES = {
  png: { type: 'image/png', bytes: Buffer.from(garment.png, 'base64') },
  jpeg: { type: 'image/jpeg', bytes: Buffer.from(garment.jpeg, 'base64') },
  webp: { type: 'image/webp', bytes: Buffer.from(garment.webp, 'base64') },
};
const classify = (base: URL | string, image = IMAGES.png) => () =>
  send(new URL('/classify', base), { method: 'POST', type: image.type, body: image.bytes });

async function benchBackends() {
  const bundle = buildBundle('bench/wrangler.toml');
  const server = await serveBundle(bundle, COMPATIBILITY_DATE);
  const results: Record<string, { single: number[]; perInference: number }> = {};
  try {
    for (const backend of ['wasm', 'cpu']) {
      const url = (n: number) => new URL(`/infer?backend=${backend}&n=${n}`, server.url);
      const single = await samples(REQUESTS, () => send(url(1)));
      const blocks: number[] = [];
      for (let i = 0; i < BLOCKS; i++) blocks.push((await timed(() => send(url(BLOCK)))) / BLOCK);
      results[backend] = { single, perInference: percentile(blocks, 50) };
    }
  } finally {
    await server.stop();
    bundle.remove();
  }
  return results;
}

async function benchWorker() {
  const bundle = buildBundle();
  try {
    const cold: number[] = [];
    let warm: Record<string, number[]> = {};
    for (let i = 0; i < COLD_SAMPLES; i++) {
      const server = await serveBundle(bundle, COMPATIBILITY_DATE);
      try {
        cold.push(await timed(classify(server.url)));
        if (i === 0) {
          warm = { health: await samples(REQUESTS, () => send(new URL('/health', server.url))) };
          for (const [format, image] of Object.entries(IMAGES)) warm[format] = await samples(REQUESTS, classify(server.url, image));
        }
      } finally {
        await server.stop();
      }
    }
    return { cold, warm, uploadSize: bundle.uploadSize };
  } finally {
    bundle.remove();
  }
}

/** The PNG request through `wrangler dev` (what `npm start` serves), for comparison with workerd alone. */
async function benchWranglerDev(): Promise<number[]> {
  const worker = await startWorker({ migrate: false });
  try {
    return await samples(REQUESTS, classify(worker.base));
  } finally {
    worker.stop();
  }
}

async function main() {
  const backends = await benchBackends();
  const worker = await benchWorker();
  const wranglerDev = await benchWranglerDev();

  const { wasm, cpu } = backends;
  console.log(`default model (${garment.name} fixture, 28×28) inside workerd, ms                   p50      p95`);
  for (const [name, r] of Object.entries(backends)) console.log(row(`  ${name}: one prediction per request`, r.single));
  console.log(`per inference (blocks of ${BLOCK}):  wasm ${fmt(wasm.perInference)}  cpu ${fmt(cpu.perInference)}`);
  console.log(`wasm-SIMD speed-up over the cpu backend: ${(cpu.perInference / wasm.perInference).toFixed(1)}× (inference)`);
  console.log('\nwhole request to the deploy bundle in workerd, ms           p50      p95');
  console.log(row('  GET /health (loopback floor)', worker.warm.health));
  for (const format of Object.keys(IMAGES)) console.log(row(`  POST /classify 28×28 ${format}`, worker.warm[format]));
  console.log(row('  POST /classify png, wrangler dev', wranglerDev));
  const warmPng = percentile(worker.warm.png, 50);
  const coldStarts = worker.cold.map((first) => first - warmPng);
  console.log(`\ncold start (first /classify after workerd is ready − warm p50), ${COLD_SAMPLES} fresh isolates: median ${fmt(percentile(coldStarts, 50))} ms, max ${fmt(Math.max(...coldStarts))} ms`);
  console.log(`deploy bundle: ${worker.uploadSize}`);
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
