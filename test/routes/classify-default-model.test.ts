import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FASHION_FIXTURES } from '../fixtures/images/fashion-fixtures';

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

describe('the default model through POST /classify', () => {
  it('is the Fashion-MNIST model, listed with its measured accuracy', async () => {
    const { models } = await (await exports.default.fetch(new Request('http://edgetune.test/models'))).json<{
      models: Array<{ id: string; default: boolean; accuracy: { top1: number; n: number } }>;
    }>();
    const fashion = models.find((m) => m.default);
    expect(fashion?.id).toBe('fashion-mnist');
    expect(fashion?.accuracy.n).toBe(10_000);
    expect(fashion?.accuracy.top1).toBeGreaterThanOrEqual(0.925);
  });

  it.each(Object.entries(TYPES))('labels held-out garments sent as %s', async (format, type) => {
    expect(FASHION_FIXTURES).toHaveLength(10);
    for (const fixture of FASHION_FIXTURES) {
      const res = await exports.default.fetch(
        new Request('http://edgetune.test/classify?topk=3', {
          method: 'POST',
          headers: { 'content-type': type },
          body: bytes(fixture[format as keyof typeof TYPES]),
        }),
      );
      expect(res.status).toBe(200);
      const body = await res.json<{ model: string; predictions: Array<{ label: string; index: number }> }>();
      expect(body.model).toBe('fashion-mnist');
      expect(body.predictions[0], `${fixture.name} (held-out #${fixture.heldOutIndex}) as ${format}`).toMatchObject({ index: fixture.label, label: fixture.name });
    }
  });
});
