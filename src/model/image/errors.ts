/** Why an uploaded image cannot be used; routes map each kind to one problem type. */
export type ImageInputErrorKind = 'undecodable' | 'pixel_limit' | 'empty' | 'unsupported_type';

/**
 * A user's image was rejected. Thrown by `readImageHeader` and `decodeImage`; anything else they throw is a bug.
 *
 * @example
 * try { await decodeImage(bytes) } catch (e) { if (e instanceof ImageInputError && e.kind === 'pixel_limit') … }
 */
export class ImageInputError extends Error {
  override readonly name = 'ImageInputError';
  readonly kind: ImageInputErrorKind;
  /** Declared size, when the header was readable (pixel_limit and empty always have it). */
  readonly width?: number;
  readonly height?: number;

  constructor(kind: ImageInputErrorKind, message: string, size?: { width: number; height: number }, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
    this.width = size?.width;
    this.height = size?.height;
  }
}
