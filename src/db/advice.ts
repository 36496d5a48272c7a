import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Advice } from '../advisor/types';
import { adviceRequests } from './schema';

export interface StoredAdvice {
  advice: Advice;
  plotSvg: string | null;
}

/** Stores one `/advise` verdict: the digest of what was uploaded (never the bytes), the findings and the plot. */
export async function insertAdvice(
  d1: D1Database,
  row: { id: string; inputDigest: string; advice: Advice; plotSvg: string },
): Promise<void> {
  await drizzle(d1)
    .insert(adviceRequests)
    .values({
      id: row.id,
      createdAt: new Date().toISOString(),
      inputDigest: row.inputDigest,
      format: row.advice.format,
      status: row.advice.status,
      findings: row.advice.findings.map((f) => f.id),
      advice: row.advice as unknown as Record<string, unknown>,
      plotSvg: row.plotSvg,
    });
}

export async function getAdvice(d1: D1Database, id: string): Promise<StoredAdvice | null> {
  const row = await drizzle(d1)
    .select({ advice: adviceRequests.advice, plotSvg: adviceRequests.plotSvg })
    .from(adviceRequests)
    .where(eq(adviceRequests.id, id))
    .get();
  return row ? { advice: row.advice as unknown as Advice, plotSvg: row.plotSvg } : null;
}
