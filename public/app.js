// The edgetune page: plain DOM, no build step. Every API error (problem+json) and network failure is shown to the
// person in the section that caused it; nothing is swallowed.

const $ = (selector) => document.querySelector(selector);

/** Types the /advise route declares; anything else (e.g. `.log` files' guessed types) goes as octet-stream. */
const ADVISE_BODY_TYPES = ['application/json', 'text/csv', 'text/plain'];
/** Runs per page of the runs list. */
const RUNS_PAGE_SIZE = 20;
/** At most this many final metrics are listed in a runs-table cell; the run detail shows all of them. */
const FINAL_METRICS_IN_TABLE = 4;

const state = {
  models: [],
  lastImage: null,
  previewUrl: null,
  runsCursor: null,
  selectedRunId: null,
  // Sequence numbers: a slow answer never overwrites a newer one.
  seq: { classify: 0, advise: 0, run: 0 },
};

// ---------------------------------------------------------------------------------------------------------------
// API access

/** A problem+json document (or what we could make of a non-problem failure), thrown by `api`. */
class ApiError extends Error {
  constructor({ title, detail, status, type, instance, errors }) {
    super(`${title}: ${detail}`);
    this.title = title;
    this.detail = detail;
    this.status = status;
    this.type = type;
    this.instance = instance;
    this.errors = errors;
  }
}

/** fetch + JSON; any non-2xx answer becomes an ApiError carrying the problem's title and detail. */
async function api(path, init = {}) {
  let res;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch (error) {
    throw new ApiError({ title: 'Network error', detail: `The server could not be reached (${error.message}). Check your connection and try again.` });
  }
  if (!res.ok) throw await problemFrom(res);
  try {
    return await res.json();
  } catch {
    throw new ApiError({ title: 'Unexpected response', detail: `${path} answered ${res.status} without valid JSON.`, status: res.status });
  }
}

async function problemFrom(res) {
  const text = await res.text().catch(() => '');
  const requestId = res.headers.get('x-request-id') ?? undefined;
  if (/json/.test(res.headers.get('content-type') ?? '')) {
    try {
      const body = JSON.parse(text);
      if (body && typeof body.title === 'string') {
        return new ApiError({ ...body, detail: body.detail ?? '', status: body.status ?? res.status, instance: body.instance ?? requestId });
      }
    } catch {
      // Not JSON after all: fall through to the generic message.
    }
  }
  return new ApiError({
    title: `HTTP ${res.status} ${res.statusText}`.trim(),
    detail: text.slice(0, 300) || 'The server gave no explanation.',
    status: res.status,
    instance: requestId,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers

/** Creates an element; `text` sets textContent, `on*` adds listeners, everything else is an attribute. */
function h(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

function svg(tag, props = {}, ...children) {
  return build(document.createElementNS('http://www.w3.org/2000/svg', tag), props, children);
}

function build(el, props, children) {
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

let idCounter = 0;
const uniqueId = (prefix) => `${prefix}-${++idCounter}`;

/** The visible form of an error: the problem's title and detail, field errors, and the ids that help support. */
function problemBox(error) {
  const e = error instanceof ApiError ? error : new ApiError({ title: 'Something went wrong in this page', detail: String(error?.message ?? error) });
  const meta = [e.status && `HTTP ${e.status}`, e.type, e.instance && `request id ${e.instance}`].filter(Boolean).join(' · ');
  return h(
    'div',
    { class: 'problem' },
    h('p', { class: 'problem-title', text: e.title }),
    e.detail ? h('p', { class: 'problem-detail', text: e.detail }) : null,
    Array.isArray(e.errors) && e.errors.length
      ? h('ul', { class: 'problem-errors' }, e.errors.map((f) => h('li', {}, h('code', { text: f.path }), ` ${f.message}`)))
      : null,
    meta ? h('p', { class: 'problem-meta', text: meta }) : null,
  );
}

function showError(slot, error) {
  slot.replaceChildren(problemBox(error));
}

function clearError(slot) {
  slot.replaceChildren();
}

const percent = (p) => (p >= 0.001 || p === 0 ? `${(p * 100).toFixed(1)}%` : '<0.1%');

function formatNumber(value) {
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-4 && Math.abs(value) < 1e6 ? String(Number(value.toPrecision(4))) : value.toExponential(2);
}

function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso ?? '—';
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const timeEl = (iso) => (iso ? h('time', { datetime: iso, text: formatDate(iso) }) : '—');

function metricsText(final, limit = Infinity) {
  if (!final || typeof final !== 'object') return '—';
  const entries = Object.entries(final).filter(([, v]) => typeof v === 'number' || typeof v === 'string');
  if (entries.length === 0) return '—';
  const shown = entries.slice(0, limit).map(([k, v]) => `${k} ${formatNumber(v)}`);
  return entries.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}

function factList(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined).map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', {}, v))));
}

/** Makes a zone accept dropped files; its file input (inside a <label>) keeps keyboard and click use. */
function setupDropZone(zone, input, onFiles) {
  const hasFiles = (event) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  zone.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove('dragging');
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length) onFiles(files);
  });
  input.addEventListener('change', () => {
    const files = Array.from(input.files ?? []);
    // Reset so choosing the same file again still triggers a change.
    input.value = '';
    if (files.length) onFiles(files);
  });
}

// A file dropped next to a zone must not make the browser navigate away from the page.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());

// ---------------------------------------------------------------------------------------------------------------
// Health

async function loadHealth() {
  const line = $('#health');
  try {
    const health = await api('/health');
    const models = health.models?.length ?? 0;
    line.textContent = `Service ${health.status} · ${health.backend} backend · SIMD ${health.simd ? 'on' : 'off'} · ${models} model${models === 1 ? '' : 's'}`;
    line.className = 'health ok';
  } catch (error) {
    line.textContent = `Service problem: ${error.title}${error.detail ? ` — ${error.detail}` : ''}`;
    line.className = 'health bad';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Classification

const modelSelect = $('#model-select');
const topkInput = $('#topk-input');
const classifyError = $('#classify-error');
const classifyResult = $('#classify-result');

async function loadModels() {
  try {
    const { models } = await api('/models');
    state.models = models;
    if (models.length === 0) {
      modelSelect.replaceChildren(h('option', { value: '', text: 'No model installed' }));
      return;
    }
    modelSelect.replaceChildren(
      ...models.map((m) =>
        h('option', {
          value: m.id,
          selected: m.default,
          text: `${m.name}${m.accuracy ? ` — top-1 ${percent(m.accuracy.top1)} on ${m.accuracy.dataset}` : ''}${m.default ? ' (default)' : ''}`,
        }),
      ),
    );
    modelSelect.disabled = false;
    syncTopkMax();
  } catch (error) {
    modelSelect.replaceChildren(h('option', { value: '', text: 'Models unavailable' }));
    showError(classifyError, error);
  }
}

const selectedModel = () => state.models.find((m) => m.id === modelSelect.value);

function syncTopkMax() {
  const model = selectedModel();
  if (!model) return;
  topkInput.max = String(model.labels.length);
  if (Number(topkInput.value) > model.labels.length) topkInput.value = String(model.labels.length);
}

async function classify(file) {
  const seq = ++state.seq.classify;
  state.lastImage = file;
  clearError(classifyError);
  classifyResult.setAttribute('aria-busy', 'true');
  classifyResult.replaceChildren(h('p', { class: 'pending', text: `Classifying ${file.name}…` }));
  const params = new URLSearchParams();
  if (modelSelect.value) params.set('model', modelSelect.value);
  if (topkInput.value.trim()) params.set('topk', topkInput.value.trim());
  try {
    const body = await api(`/classify?${params}`, {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
    if (seq !== state.seq.classify) return;
    classifyResult.replaceChildren(renderClassification(file, body));
  } catch (error) {
    if (seq !== state.seq.classify) return;
    classifyResult.replaceChildren();
    showError(classifyError, error);
  } finally {
    if (seq === state.seq.classify) classifyResult.removeAttribute('aria-busy');
  }
}

function renderClassification(file, body) {
  if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
  state.previewUrl = URL.createObjectURL(file);
  const model = state.models.find((m) => m.id === body.model);
  const modelName = model ? model.name : body.model;
  return h(
    'div',
    { class: 'classification' },
    h('img', { class: 'preview', src: state.previewUrl, alt: `The image you chose, ${file.name}`, width: 96, height: 96 }),
    h(
      'div',
      { class: 'predictions-wrap' },
      h('h3', {}, 'Predictions of ', h('span', { class: 'model-name', text: modelName })),
      h('p', { class: 'hint', text: `${file.name} · ${body.width}×${body.height} px · model id ${body.model}` }),
      h(
        'ol',
        { class: 'predictions' },
        body.predictions.map((p, rank) => {
          const labelId = uniqueId('prediction');
          return h(
            'li',
            { class: rank === 0 ? 'prediction top' : 'prediction' },
            h('span', { class: 'prediction-label', id: labelId, text: p.label }),
            h('meter', { min: 0, max: 1, value: p.probability, 'aria-labelledby': labelId, title: percent(p.probability) }),
            h('span', { class: 'prediction-probability', text: percent(p.probability) }),
          );
        }),
      ),
    ),
  );
}

setupDropZone($('[data-input="image-input"]'), $('#image-input'), (files) => {
  classify(files[0]);
  if (files.length > 1) classifyError.replaceChildren(h('p', { class: 'note', text: `Only the first of ${files.length} files was classified.` }));
});
modelSelect.addEventListener('change', () => {
  syncTopkMax();
  if (state.lastImage) classify(state.lastImage);
});
topkInput.addEventListener('change', () => {
  if (state.lastImage) classify(state.lastImage);
});

// ---------------------------------------------------------------------------------------------------------------
// Advice

const adviseError = $('#advise-error');
const adviseResult = $('#advise-result');

async function advise(files) {
  const seq = ++state.seq.advise;
  clearError(adviseError);
  adviseResult.setAttribute('aria-busy', 'true');
  const names = files.map((f) => f.name).join(', ');
  adviseResult.replaceChildren(h('p', { class: 'pending', text: `Reading ${names}…` }));
  const params = new URLSearchParams();
  const format = $('#format-select').value;
  if (format) params.set('format', format);
  let init;
  if (files.length === 1) {
    const type = ADVISE_BODY_TYPES.includes(files[0].type) ? files[0].type : 'application/octet-stream';
    init = { method: 'POST', headers: { 'content-type': type }, body: files[0] };
  } else {
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    init = { method: 'POST', body: form };
  }
  try {
    const query = params.toString();
    const advice = await api(`/advise${query ? `?${query}` : ''}`, init);
    if (seq !== state.seq.advise) return;
    adviseResult.replaceChildren(
      h('p', { class: 'hint', text: `Advice for ${names}` }),
      renderAdvice(advice, { plotUrl: advice.id ? `/advice/${encodeURIComponent(advice.id)}/plot.svg` : null }),
    );
  } catch (error) {
    if (seq !== state.seq.advise) return;
    adviseResult.replaceChildren();
    showError(adviseError, error);
  } finally {
    if (seq === state.seq.advise) adviseResult.removeAttribute('aria-busy');
  }
}

setupDropZone($('[data-input="log-input"]'), $('#log-input'), advise);

const STATUS_TEXT = { healthy: 'Healthy', warning: 'Warning', critical: 'Critical' };

/** The advice object as a person reads it; `plotUrl` adds the server's SVG plot (stored advice only). */
function renderAdvice(advice, { plotUrl = null, headingLevel = 3 } = {}) {
  const hx = `h${headingLevel}`;
  const axis = advice.xAxis ?? 'epoch';
  const segments = advice.segments?.length > 1 ? advice.segments : null;
  return h(
    'div',
    { class: 'advice' },
    h(
      'div',
      { class: 'advice-head' },
      h('span', { class: `badge status-${advice.status}`, text: STATUS_TEXT[advice.status] ?? advice.status }),
      h('p', { class: 'summary', text: advice.summary }),
    ),
    factList([
      ['Format', advice.format],
      [`${axis === 'step' ? 'Steps' : 'Epochs'}`, String(advice.epochs)],
      [`Best ${axis}`, advice.bestEpoch === null || advice.bestEpoch === undefined ? '—' : `${advice.bestEpoch}${advice.lastIsBest ? ' (the last)' : ''}`],
    ]),
    segments
      ? h(
          'details',
          { class: 'segments' },
          h('summary', { text: `This file holds ${segments.length} runs; the advice above is for the last one` }),
          h('ol', {}, segments.map((s) => h('li', {}, h('span', { class: `badge status-${s.status}`, text: STATUS_TEXT[s.status] ?? s.status }), ` ${s.summary}`))),
        )
      : null,
    h(hx, { text: `Findings (${advice.findings.length})` }),
    advice.findings.length
      ? h('ul', { class: 'findings' }, advice.findings.map((f) => renderFinding(f, axis)))
      : h('p', { class: 'hint', text: 'No findings: nothing in these curves needs attention.' }),
    h(hx, { text: `Recommendations (${advice.recommendations.length})` }),
    advice.recommendations.length ? renderRecommendations(advice.recommendations) : h('p', { class: 'hint', text: 'No changes recommended.' }),
    advice.notAssessed?.length
      ? [h(hx, { text: 'Not assessed' }), h('ul', { class: 'not-assessed' }, advice.notAssessed.map((n) => h('li', {}, h('code', { text: n.what }), `: ${n.why}`)))]
      : null,
    advice.warnings?.length ? [h(hx, { text: 'Warnings' }), h('ul', { class: 'warnings' }, advice.warnings.map((w) => h('li', { text: w })))] : null,
    plotUrl
      ? h(
          'figure',
          { class: 'plot' },
          h('img', { src: plotUrl, alt: `Training curves with the findings marked: ${advice.summary}`, loading: 'lazy' }),
          h('figcaption', {}, 'The curves with the findings marked. ', h('a', { href: plotUrl, text: 'Open the plot' }), ' · ', h('a', { href: plotUrl.replace(/\/plot\.svg$/, ''), text: 'advice as JSON' })),
        )
      : null,
  );
}

function renderFinding(finding, axis) {
  const onset = finding.epoch === null || finding.epoch === undefined ? null : `from ${axis} ${finding.epoch}`;
  const meta = [onset, finding.layer && `layer ${finding.layer}`, `confidence ${percent(finding.confidence)}`].filter(Boolean).join(' · ');
  return h(
    'li',
    { class: `finding severity-${finding.severity}`, 'data-finding': finding.id },
    h('div', { class: 'finding-head' }, h('span', { class: `badge severity-${finding.severity}`, text: finding.severity }), h('strong', { text: finding.title }), h('code', { text: finding.id })),
    h('p', { class: 'finding-meta', text: meta }),
    h('p', { class: 'evidence', text: finding.evidence }),
  );
}

function renderRecommendations(recommendations) {
  const ranked = [...recommendations].sort((a, b) => a.priority - b.priority);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'recommendations' },
      h('caption', { class: 'visually-hidden', text: 'Recommended changes, most important first' }),
      h('thead', {}, h('tr', {}, ['#', 'Parameter', 'Action', 'Value', 'Why'].map((t) => h('th', { scope: 'col', text: t })))),
      h(
        'tbody',
        {},
        ranked.map((r) =>
          h(
            'tr',
            {},
            h('td', { text: String(r.priority) }),
            h('td', {}, h('code', { text: r.parameter }), r.layer ? h('span', { class: 'hint', text: ` (layer ${r.layer})` }) : null),
            h('td', { text: r.action }),
            h('td', {}, h('code', { text: formatNumber(r.value) })),
            h('td', {}, r.rationale, r.addresses?.length ? h('span', { class: 'hint', text: ` Addresses ${r.addresses.join(', ')}.` }) : null),
          ),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

const runsBody = $('#runs-body');
const runsMore = $('#runs-more');
const runsError = $('#runs-error');
const runsStatus = $('#runs-status');
const runDetail = $('#run-detail');

async function loadRuns({ append = false } = {}) {
  clearError(runsError);
  const params = new URLSearchParams({ limit: String(RUNS_PAGE_SIZE) });
  if (append && state.runsCursor) params.set('cursor', state.runsCursor);
  runsStatus.textContent = 'Loading runs…';
  try {
    const page = await api(`/runs?${params}`);
    if (!append) runsBody.replaceChildren();
    const rows = page.items.map(runRow);
    runsBody.append(...rows);
    state.runsCursor = page.nextCursor;
    runsMore.hidden = !page.nextCursor;
    const count = runsBody.rows.length;
    runsStatus.textContent = count === 0 ? 'No runs stored yet. Training with `npm run train` stores one.' : `${count} run${count === 1 ? '' : 's'} shown${page.nextCursor ? '; more are stored' : ''}.`;
    // "Load more" hides itself on the last page: keep keyboard focus in the table instead of losing it.
    if (append && !page.nextCursor && rows.length) rows[0].querySelector('button').focus();
  } catch (error) {
    runsStatus.textContent = '';
    showError(runsError, error);
  }
}

function runRow(run) {
  return h(
    'tr',
    { 'data-run-id': run.id, 'aria-current': run.id === state.selectedRunId ? 'true' : null },
    h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', 'aria-controls': 'run-detail', onclick: () => showRun(run.id), text: run.name })),
    h('td', { text: run.model }),
    h('td', { text: run.dataset }),
    h('td', {}, h('span', { class: `badge run-${run.status}`, text: run.status })),
    h('td', {}, timeEl(run.startedAt)),
    h('td', { text: metricsText(run.final, FINAL_METRICS_IN_TABLE) }),
  );
}

async function showRun(id) {
  const seq = ++state.seq.run;
  state.selectedRunId = id;
  for (const row of runsBody.rows) {
    if (row.dataset.runId === id) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
  runDetail.setAttribute('aria-busy', 'true');
  runDetail.replaceChildren(h('p', { class: 'pending', text: 'Loading the run…' }));
  const path = `/runs/${encodeURIComponent(id)}`;
  const [run, advice] = await Promise.allSettled([api(path), api(`${path}/advice`)]);
  if (seq !== state.seq.run) return;
  runDetail.removeAttribute('aria-busy');
  const heading = h('h3', { tabindex: -1, text: run.status === 'fulfilled' ? `Run “${run.value.name}”` : `Run ${id}` });
  runDetail.replaceChildren(
    heading,
    run.status === 'fulfilled' ? renderRun(run.value) : alertBox(run.reason),
    h('h4', { text: 'Advice' }),
    advice.status === 'fulfilled' ? renderAdvice(advice.value, { headingLevel: 5 }) : alertBox(advice.reason),
  );
  heading.focus();
}

const alertBox = (error) => h('div', { role: 'alert' }, problemBox(error));

function renderRun(run) {
  const epochs = [...run.epochs].sort((a, b) => a.epoch - b.epoch);
  const hyper = Object.entries(run.hyperparameters ?? {});
  const charts = [
    ['Loss', ['loss', 'val_loss']],
    ['Accuracy', ['accuracy', 'val_accuracy']],
  ]
    .map(([title, names]) => ({ title, series: names.map((name) => ({ name, points: epochs.map((e) => [e.epoch, e.metrics[name]]) })).filter((s) => s.points.some(([, v]) => Number.isFinite(v))) }))
    .filter((chart) => chart.series.length);
  return h(
    'div',
    { class: 'run' },
    factList([
      ['Id', h('code', { text: run.id })],
      ['Model', run.model],
      ['Dataset', run.dataset],
      ['Status', h('span', { class: `badge run-${run.status}`, text: run.status })],
      ['Started', timeEl(run.startedAt)],
      ['Finished', timeEl(run.finishedAt)],
      ['Epochs', String(epochs.length)],
      ['Final metrics', metricsText(run.final)],
      ['Resumed from', run.parentId ? h('code', { text: run.parentId }) : undefined],
    ]),
    hyper.length
      ? h('details', { class: 'hyper' }, h('summary', { text: `Hyperparameters (${hyper.length})` }), factList(hyper.map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : formatNumber(v)])))
      : null,
    charts.length ? h('div', { class: 'charts' }, charts.map((c) => lineChart(c.title, c.series, run.name))) : h('p', { class: 'hint', text: 'No epochs recorded yet.' }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Curves: a small SVG line chart, with a data table for people who cannot see it.

const CHART = { width: 480, height: 220, left: 52, right: 12, top: 12, bottom: 34 };
/** Above this many epochs the dots would merge into a smear; the line alone reads better. */
const MAX_DOTTED_POINTS = 40;

function lineChart(title, series, runName) {
  const finite = series.flatMap((s) => s.points.filter(([, v]) => Number.isFinite(v)));
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  const pad = y1 === y0 ? Math.abs(y0) * 0.1 || 1 : (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const sx = (x) => CHART.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y) => CHART.top + (1 - (y - y0) / (y1 - y0)) * plotH;

  const yTicks = [0, 1, 2, 3, 4].map((i) => y0 + ((y1 - y0) * i) / 4);
  const xStep = Math.max(1, Math.ceil((x1 - x0) / 6));
  const xTicks = [];
  for (let x = Math.ceil(x0); x <= x1; x += xStep) xTicks.push(x);

  const titleId = uniqueId('chart-title');
  const descId = uniqueId('chart-desc');
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${CHART.width} ${CHART.height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart' },
    svg('title', { id: titleId, text: `${title} per epoch of ${runName}` }),
    svg('desc', { id: descId, text: series.map(describeSeries).join(' ') }),
    yTicks.map((y) => [
      svg('line', { class: 'grid', x1: CHART.left, x2: CHART.width - CHART.right, y1: sy(y), y2: sy(y) }),
      svg('text', { class: 'tick', x: CHART.left - 6, y: sy(y) + 4, 'text-anchor': 'end', text: formatNumber(Number(y.toPrecision(3))) }),
    ]),
    xTicks.map((x) => svg('text', { class: 'tick', x: sx(x), y: CHART.height - CHART.bottom + 16, 'text-anchor': 'middle', text: String(x) })),
    svg('text', { class: 'axis-label', x: CHART.left + plotW / 2, y: CHART.height - 4, 'text-anchor': 'middle', text: 'epoch' }),
    svg('rect', { class: 'frame', x: CHART.left, y: CHART.top, width: plotW, height: plotH }),
    series.map((s, i) => {
      const values = s.points.filter(([, v]) => Number.isFinite(v));
      return [
        svg('path', { class: `line series-${i}`, d: pathData(s.points, sx, sy) }),
        // Dots mark each epoch on short runs (a single epoch would be invisible as a path); long runs stay readable.
        values.length <= MAX_DOTTED_POINTS ? values.map(([x, y]) => svg('circle', { class: `dot series-${i}`, cx: sx(x), cy: sy(y), r: 2.5 })) : null,
      ];
    }),
  );
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', { text: title }),
    chart,
    h('ul', { class: 'legend' }, series.map((s, i) => h('li', {}, h('span', { class: `swatch series-${i}`, 'aria-hidden': 'true' }), s.name))),
    h(
      'details',
      { class: 'chart-data' },
      h('summary', { text: `${title} as a table` }),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'epoch' }), series.map((s) => h('th', { scope: 'col', text: s.name })))),
          h(
            'tbody',
            {},
            series[0].points.map(([x], row) => h('tr', {}, h('th', { scope: 'row', text: String(x) }), series.map((s) => h('td', { text: formatNumber(s.points[row][1] ?? '—') })))),
          ),
        ),
      ),
    ),
  );
}

/** An SVG path through the finite points; a missing or non-finite value starts a new segment. */
function pathData(points, sx, sy) {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

function describeSeries({ name, points }) {
  const finite = points.filter(([, v]) => Number.isFinite(v));
  if (finite.length === 0) return `${name}: no values.`;
  const [firstX, first] = finite[0];
  const [lastX, last] = finite[finite.length - 1];
  const [minX, min] = finite.reduce((best, p) => (p[1] < best[1] ? p : best));
  return `${name} went from ${formatNumber(first)} at epoch ${firstX} to ${formatNumber(last)} at epoch ${lastX}, lowest ${formatNumber(min)} at epoch ${minX}.`;
}

runsMore.addEventListener('click', () => loadRuns({ append: true }));
$('#runs-refresh').addEventListener('click', () => loadRuns());

// ---------------------------------------------------------------------------------------------------------------

loadHealth();
loadModels();
loadRuns();
