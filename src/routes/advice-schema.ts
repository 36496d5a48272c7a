import { z } from '@hono/zod-openapi';
import { FINDING_IDS, FORMATS, RECOMMENDATION_PARAMETERS } from '../advisor/types';

const FindingSchema = z
  .object({
    id: z.enum(FINDING_IDS),
    severity: z.enum(['info', 'warning', 'critical']),
    epoch: z.number().int().nullable(),
    confidence: z.number(),
    title: z.string(),
    evidence: z.string(),
    layer: z.string().optional(),
  })
  .openapi('Finding');

const RecommendationSchema = z
  .object({
    parameter: z.enum(RECOMMENDATION_PARAMETERS),
    action: z.enum(['increase', 'decrease', 'set', 'enable', 'disable']),
    value: z.union([z.number(), z.string(), z.boolean()]),
    layer: z.string().optional(),
    priority: z.number().int(),
    addresses: z.array(z.enum(FINDING_IDS)),
    rationale: z.string(),
  })
  .openapi('Recommendation');

const adviceFields = {
  id: z.string().optional(),
  format: z.enum(FORMATS),
  xAxis: z.enum(['epoch', 'step']),
  epochs: z.number().int(),
  status: z.enum(['healthy', 'warning', 'critical']),
  bestEpoch: z.number().int().nullable(),
  lastIsBest: z.boolean().nullable(),
  findings: z.array(FindingSchema),
  recommendations: z.array(RecommendationSchema),
  notAssessed: z.array(z.object({ what: z.string(), why: z.string() })),
  warnings: z.array(z.string()),
  summary: z.string(),
};

/** CONTRACT.md "The advice object"; `segments` holds one advice per run when runs were appended in one file. */
export const AdviceSchema = z
  .object({ ...adviceFields, segments: z.array(z.object(adviceFields)).optional() })
  .openapi('Advice');
