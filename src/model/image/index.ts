// Image input for the models: header checks, decoding (PNG, JPEG, WebP) and conversion to model input.
// The codec binaries come from initWorkerImageCodecs ('./codecs-worker', Worker only) or initNodeImageCodecs
// ('./codecs-node', Node only); neither is re-exported here so each runtime imports only what it can load.
export { ImageInputError, type ImageInputErrorKind } from './errors';
export { isCompletePng, readImageHeader, sniffImageType, type ImageHeader, type ImageType } from './header';
export { ImageCodecUnavailableError, initImageCodecs, imageCodecsInitialised, type ImageCodecModules, type RgbaImage } from './codecs';
export { decodeImage, type DecodeImageOptions, type DecodedImage } from './decode';
export { borderBackground, luma, toModelInput, type ModelInputSpec } from './transform';
