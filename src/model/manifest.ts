import { z } from 'zod';

/** `models/<id>/manifest.json` (CONTRACT.md "Models"): everything needed to preprocess, run and describe a model. */
export const ModelManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i),
  name: z.string(),
  dataset: z.string(),
  labels: z.array(z.string()).min(1),
  inputShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.union([z.literal(1), z.literal(3)])]),
  preprocessing: z.object({
    channels: z.union([z.literal(1), z.literal(3)]),
    /** `[min, max]`: pixels in [0,1] are mapped linearly onto it; `{mean, std}`: (pixel·255 − mean) / std per channel. */
    scale: z.union([
      z.tuple([z.number(), z.number()]),
      z.object({ mean: z.array(z.number()).min(1), std: z.array(z.number()).min(1) }),
    ]),
    invertLightBackground: z.boolean().default(false),
  }),
  /** Whether the model's output is already a probability distribution (softmax) or raw logits. */
  outputs: z.enum(['probabilities', 'logits']).default('probabilities'),
  params: z.number().int().nonnegative(),
  accuracy: z
    .object({ dataset: z.string(), split: z.string(), n: z.number().int(), top1: z.number() })
    .nullable()
    .default(null),
  command: z.string(),
});
export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** A model as bundled into the Worker: its manifest, the tfjs `model.json`, and the weight shards in manifest order. */
export interface BundledModel {
  manifest: unknown;
  modelJson: unknown;
  weights: ArrayBuffer[];
}
