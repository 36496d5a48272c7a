import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureImage } from '../fixtures/images/fixtures';
import { launchBrowser, type Browser } from './browser';
import { FASHION_MNIST_LABELS, fashionMnistTestPng, overfittingEpochs, overfittingKerasCsv } from './inputs';
import { startWorker, type RunningWorker } from '../wrangler-dev';

/** The development token `wrangler dev` reads from .dev.vars. */
const API_TOKEN = readFileSync(path.join(import.meta.dirname, '../../.dev.vars'), 'utf8').match(/^API_TOKEN=(.*)$/m)?.[1]?.trim();
/** How long the page may take to show an answer (the first classification loads and warms the model). */
const ANSWER_TIMEOUT_MS = 60_000;

interface ModelSummary {
  id: string;
  name: string;
  labels: string[];
  default: boolean;
}

let worker: RunningWorker;
let browser: Browser;
let page: Page;
let models: ModelSummary[] = [];
/** Uncaught exceptions in the page: a broken script must fail the suite even when the visible checks pass. */
const pageErrors: string[] = [];

beforeAll(async () => {
  [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
  models = ((await (await fetch(`${worker.base}/models`)).json()) as { models: ModelSummary[] }).models;
  page = await browser.context.newPage();
  page.setDefaultTimeout(ANSWER_TIMEOUT_MS);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await openPage();
});

afterAll(async () => {
  await browser?.close();
  worker?.stop();
});

async function openPage() {
  await page.goto(`${worker.base}/`);
  // The model picker is filled (or says why it cannot be) once GET /models has answered.
  await page.waitForFunction(() => !/Loading/.test(document.querySelector('#model-select option')?.textContent ?? 'Loading'));
}

const file = (name: string, mimeType: string, bytes: Uint8Array | string) => ({ name, mimeType, buffer: Buffer.from(bytes) });

async function classifyOverHttp(bytes: Uint8Array, contentType: string, model?: string) {
  const res = await fetch(`${worker.base}/classify${model ? `?model=${model}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
  });
  return { status: res.status, body: (await res.json()) as { title?: string; predictions?: Array<{ label: string }> } };
}

describe('the edgetune page', () => {
  it('serves the page with its assets and links to the API docs', async () => {
    await expect(page.title()).resolves.toBe('edgetune');
    expect(await page.getByRole('link', { name: 'API docs', exact: true }).getAttribute('href')).toBe('/docs');
    await expect.poll(() => page.locator('#health').textContent()).toMatch(/^Service /);
  });

  it('classifies a chosen image and shows the model, the label the API gives and probability bars', async () => {
    const image = fixtureImage('garment.png');
    const expected = await classifyOverHttp(image, 'image/png');
    await page.locator('#image-input').setInputFiles(file('garment.png', 'image/png', image));
    if (expected.status !== 200) {
      // No model bundled yet: the page must show the API's problem instead of predictions.
      await expect.poll(() => page.locator('#classify-error .problem-title').textContent()).toBe(expected.body.title);
      return;
    }
    const top = page.locator('#classify-result .prediction').first();
    await top.waitFor();
    expect(await top.locator('.prediction-label').textContent()).toBe(expected.body.predictions![0].label);
    const meters = page.locator('#classify-result .prediction meter');
    expect(await meters.count()).toBeGreaterThan(1);
    // Each bar has an accessible name (its label) and the percentage is also written out.
    await expect.poll(() => page.getByRole('meter', { name: expected.body.predictions![0].label }).count()).toBe(1);
    expect(await top.locator('.prediction-probability').textContent()).toMatch(/^\d+\.\d%$|^<0\.1%$/);
    const defaultModel = models.find((m) => m.default)!;
    expect(await page.locator('#classify-result .model-name').textContent()).toBe(defaultModel.name);
  });

  it('gives a held-out Fashion-MNIST image its right label', async () => {
    const fashion = models.find((m) => m.id === 'fashion-mnist');
    expect(fashion).toBeDefined();
    await page.locator('#model-select').selectOption('fashion-mnist');
    const trouser = FASHION_MNIST_LABELS.indexOf('Trouser');
    await page.locator('#image-input').setInputFiles(file('trouser.png', 'image/png', fashionMnistTestPng(trouser)));
    await expect.poll(() => page.locator('#classify-result .prediction-label').first().textContent(), { timeout: ANSWER_TIMEOUT_MS }).toBe('Trouser');
    expect(await page.locator('#classify-result .model-name').textContent()).toBe(fashion!.name);
  });

  it('shows the title and detail of the problem when an upload is not an image', async () => {
    const garbage = Uint8Array.from({ length: 512 }, (_, i) => (i * 37 + 11) & 0xff);
    const expected = await classifyOverHttp(garbage, 'image/png');
    expect(expected.status).toBeGreaterThanOrEqual(400);
    expect(expected.status).toBeLessThan(500);
    expect(expected.body.title).toBe('Undecodable image');
    await page.locator('#image-input').setInputFiles(file('garbage.png', 'image/png', garbage));
    const problem = page.locator('#classify-error .problem');
    await expect.poll(() => problem.locator('.problem-title').textContent()).toBe(expected.body.title);
    expect(await problem.locator('.problem-detail').textContent()).toBeTruthy();
    // The error is in a live region (role=alert) and the stale predictions are gone.
    expect(await page.locator('#classify-error').getAttribute('role')).toBe('alert');
    expect(await page.locator('#classify-result .prediction').count()).toBe(0);
  });

  it('reads a Keras CSV log of an overfitting run and shows the finding, recommendations and the plot', async () => {
    await page.locator('#log-input').setInputFiles(file('training.log', 'text/csv', overfittingKerasCsv()));
    const finding = page.locator('#advise-result [data-finding="overfitting"]');
    await finding.waitFor();
    expect(await finding.locator('.evidence').textContent()).toMatch(/val_loss/);
    expect(await finding.locator('.finding-meta').textContent()).toMatch(/from epoch \d+/);
    expect(await page.locator('#advise-result .badge').first().textContent()).toMatch(/warning|critical/i);
    expect(await page.locator('#advise-result table.recommendations tbody tr').count()).toBeGreaterThan(0);
    const plot = page.locator('#advise-result figure.plot img');
    expect(await plot.getAttribute('src')).toMatch(/^\/advice\/[\w-]+\/plot\.svg$/);
    // The plot really loaded: an SVG the browser decoded to a non-empty image.
    await expect.poll(() => plot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  });

  it('shows the problem when a log cannot be used', async () => {
    await page.locator('#log-input').setInputFiles(file('notes.txt', 'text/plain', 'nothing but words here\n'));
    await expect.poll(() => page.locator('#advise-error .problem-title').textContent()).toMatch(/\S/);
    expect(await page.locator('#advise-result').textContent()).toBe('');
  });

  it('can be used from the keyboard: Tab reaches both file inputs and Enter activates them', async () => {
    await openPage();
    const focused: string[] = [];
    for (let i = 0; i < 25 && !focused.includes('log-input'); i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(focused).toContain('image-input');
    expect(focused).toContain('log-input');
    // The focused drop zone shows a visible focus ring.
    expect(await page.locator('[data-input="log-input"]').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    // Enter activates the focused file input (the click that opens the file picker). Playwright's file-chooser
    // interception is unreliable with Debian's newer chromium, so the activation itself is what is checked.
    await page.locator('#log-input').evaluate((input) => {
      input.addEventListener('click', (event) => {
        event.preventDefault();
        input.dataset.activatedBy = event.isTrusted ? 'user' : 'script';
      }, { once: true });
    });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#log-input')?.dataset.activatedBy === 'user');
  });

  it('lists stored runs page by page and shows a run’s curves and advice', async () => {
    const auth = { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' };
    const dataset = `e2e-${crypto.randomUUID().slice(0, 8)}`;
    const targetName = `overfitting run ${dataset}`;
    const store = async (id: string, name: string, startedAt: string) => {
      const run = { name, model: 'cnn-small', dataset, status: 'complete', startedAt, hyperparameters: { optimizer: 'adam', learningRate: 0.001 } };
      const res = await fetch(`${worker.base}/runs/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify(run) });
      expect(res.status).toBe(201);
    };
    // The run with curves is the oldest, behind a full first page of newer runs: reaching it needs "Load more".
    const target = crypto.randomUUID();
    await store(target, targetName, '2020-01-01T00:00:00.000Z');
    const epochs = await fetch(`${worker.base}/runs/${target}/epochs`, { method: 'POST', headers: auth, body: JSON.stringify({ epochs: overfittingEpochs() }) });
    expect(epochs.status).toBe(200);
    for (let i = 0; i < 20; i++) await store(crypto.randomUUID(), `filler ${i}`, new Date(Date.UTC(2030, 0, 1 + i)).toISOString());

    await openPage();
    await page.locator('#runs-body tr').first().waitFor();
    const targetButton = page.getByRole('button', { name: targetName, exact: true });
    const loadMore = page.getByRole('button', { name: 'Load more' });
    for (let pages = 1; !(await targetButton.count()); pages++) {
      expect(await loadMore.isVisible(), `run not found after ${pages} page(s)`).toBe(true);
      const rows = await page.locator('#runs-body tr').count();
      await loadMore.click();
      await expect.poll(() => page.locator('#runs-body tr').count()).toBeGreaterThan(rows);
    }
    await targetButton.click();
    const detail = page.locator('#run-detail');
    await detail.locator('[data-finding="overfitting"]').waitFor();
    // Client-drawn curves: loss and val_loss as paths through 30 epochs.
    const lossChart = detail.getByRole('img', { name: /Loss per epoch/ });
    expect(await lossChart.locator('path.line').count()).toBe(2);
    expect(await detail.locator('.legend').first().textContent()).toMatch(/loss.*val_loss/);
    expect(await page.locator(`#runs-body tr[data-run-id="${target}"]`).getAttribute('aria-current')).toBe('true');

    if (process.env.E2E_SCREENSHOT) {
      await page.locator('#log-input').setInputFiles(file('training.log', 'text/csv', overfittingKerasCsv()));
      await page.locator('#advise-result figure.plot img').waitFor();
      await page.screenshot({ path: process.env.E2E_SCREENSHOT, fullPage: true });
    }
  });

  it('raised no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
