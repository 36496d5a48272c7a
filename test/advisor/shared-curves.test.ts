import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../scripts/eval-advisor';

const dir = join(import.meta.dirname, '..', '..', '..', 'shared', 'curves');

// The labelled real logs live outside the repo; this only runs where they are present.
describe.skipIf(!existsSync(join(dir, 'labels.json')))('advisor on ../shared/curves', () => {
  it('scores at least 85 % overall', () => {
    const verdicts = evaluate(dir);
    const right = verdicts.filter((v) => v.right).length;
    expect(right / verdicts.length).toBeGreaterThanOrEqual(0.85);
    expect(verdicts.filter((v) => v.error)).toEqual([]);
  });
});
