import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'edgetune.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

/** A Keras CSVLogger file of an overfitting run, as a user would have on disk. */
function csvFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgetune-cli-'));
  const rows = ['epoch,accuracy,loss,val_accuracy,val_loss'];
  for (let i = 0; i < 25; i++) {
    const loss = 1.5 * Math.exp(-i / 6) + 0.02;
    const val = i <= 12 ? 1.5 * Math.exp(-i / 6) + 0.3 : 1.5 * Math.exp(-2) + 0.3 + 0.03 * (i - 12);
    rows.push(`${i},${(0.5 + 0.02 * i).toFixed(3)},${loss.toFixed(4)},${(0.5 + 0.015 * Math.min(i, 12)).toFixed(3)},${val.toFixed(4)}`);
  }
  const file = join(dir, 'training_log.csv');
  writeFileSync(file, rows.join('\n'));
  return file;
}

describe('npx edgetune advise', () => {
  const file = csvFile();

  it('prints the short report and exits 0', () => {
    const r = run('advise', file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^(WARNING|CRITICAL) — keras-csv, 25 epochs/);
    expect(r.stdout).toContain('overfitting');
  });

  it('--json prints the /advise body without an id', () => {
    const r = run('advise', file, '--json');
    expect(r.status, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ format: 'keras-csv', xAxis: 'epoch', epochs: 25 });
    expect(body.id).toBeUndefined();
    expect(body.findings.some((f: { id: string }) => f.id === 'overfitting')).toBe(true);
  });

  it('exits 2 with a clear message on bad input', () => {
    const missing = run('advise', join(tmpdir(), 'no-such-file.csv'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
    const badFormat = run('advise', file, '--format', 'excel');
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toMatch(/unknown format/);
    const garbage = join(mkdtempSync(join(tmpdir(), 'edgetune-cli-')), 'x.bin');
    writeFileSync(garbage, new Uint8Array([0, 1, 2, 3, 255]));
    const bad = run('advise', garbage);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^edgetune: /);
  });
});
