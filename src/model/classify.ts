import { decodeImage, toModelInput } from './image';
import type { LoadedModel } from './loaded-model';
import { normalizePixels, topK, type Prediction } from './preprocess';

export interface Classification {
  predictions: Prediction[];
  width: number;
  height: number;
}

/**
 * bytes → decoded RGBA → model input (channels, resize, light-background inversion) → normalised → top-k.
 * Throws ImageInputError for bytes that are not a usable image (pixel cap checked from the header first).
 */
export async function classifyImage(model: LoadedModel, bytes: Uint8Array, k: number): Promise<Classification> {
  const image = await decodeImage(bytes);
  const { inputShape, preprocessing, labels } = model.manifest;
  const pixels = toModelInput(image, {
    height: inputShape[0],
    width: inputShape[1],
    channels: preprocessing.channels,
    invertLightBackground: preprocessing.invertLightBackground,
  });
  const probabilities = model.predict(normalizePixels(pixels, preprocessing));
  return { predictions: topK(probabilities, labels, k), width: image.width, height: image.height };
}
