import { ImageCodecUnavailableError, decodeWithCodec, type RgbaImage } from './codecs';
import { ImageInputError } from './errors';
import { IMAGE_FORMAT_NAME, isCompletePng, readImageHeader, type ImageType } from './header';

/**
 * Default cap on declared pixels: 16 megapixels, a 4096×4096 photo. Its RGBA buffer alone is 64 MiB, half a Worker's
 * 128 MB, so a deployment that expects large uploads should lower, not raise, it.
 */
const DEFAULT_MAX_PIXELS = 4096 * 4096;

export interface DecodedImage extends RgbaImage {
  type: ImageType;
}

export interface DecodeImageOptions {
  /** Reject images whose header declares more pixels than this, before decoding. */
  maxPixels?: number;
}

/**
 * Decodes a PNG, JPEG or WebP to RGBA. The size is read from the header and checked against `maxPixels` before any
 * decoding, so a small file declaring 30000×30000 costs nothing. Every rejection is an `ImageInputError`.
 * Needs `initWorkerImageCodecs()` / `initNodeImageCodecs()` first (only for images that pass the header checks).
 *
 * @example
 * const { width, height, data } = await decodeImage(new Uint8Array(await request.arrayBuffer()));
 */
export async function decodeImage(bytes: Uint8Array, opts: DecodeImageOptions = {}): Promise<DecodedImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = readImageHeader(bytes);
  const { type, width, height } = header;
  const size = { width, height };
  if (width === 0 || height === 0) throw new ImageInputError('empty', `the image is ${width}×${height} pixels`, size);
  if (width * height > maxPixels) {
    throw new ImageInputError(
      'pixel_limit',
      `the image declares ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels}`,
      size,
    );
  }
  if (type === 'png' && !isCompletePng(bytes)) throw new ImageInputError('undecodable', 'the PNG is cut off or its chunks are corrupt', size);

  let image: RgbaImage | null;
  try {
    image = await decodeWithCodec(type, bytes);
  } catch (error) {
    // A missing or broken codec is our bug, not the user's: let it surface as a 500 rather than a 400.
    if (error instanceof ImageCodecUnavailableError) throw error;
    throw new ImageInputError('undecodable', `the ${IMAGE_FORMAT_NAME[type]} data is corrupt and could not be decoded`, size, { cause: error });
  }
  // EXIF rotation may swap a JPEG's sides, so compare pixel counts, not sides.
  if (!image || image.width * image.height !== width * height || image.data.length !== image.width * image.height * 4) {
    throw new ImageInputError('undecodable', `the ${IMAGE_FORMAT_NAME[type]} data could not be decoded`, size);
  }
  return { type, width: image.width, height: image.height, data: image.data };
}
