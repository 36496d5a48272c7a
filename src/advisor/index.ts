/**
 * The advisor's one public face: parse an upload, advise on it, optionally plot it. The Worker, the CLI, the
 * evaluation script, the tuner and the benchmarks call this module, never the internals behind it.
 */
import { adviseLog, adviseUpload } from './advise';
import { parseUpload, type UploadPart } from './parse/index';
import { renderPlotSvg } from './plot';
import type { Advice, Format, ParsedUpload, TrainingLog } from './types';

export { adviseLog, adviseUpload, parseUpload, renderPlotSvg };
export { formatReport } from './report';
export { isFormat, MAX_PARTS, MAX_UPLOAD_BYTES, type UploadPart } from './parse/index';
export type * from './types';

export interface AdviseResult {
  upload: ParsedUpload;
  advice: Advice;
  /** The plotted run: the last run of the upload (the one the top-level advice is about). */
  run: TrainingLog;
  plotSvg?: string;
}

/** parse → advise → (plot): written once for every caller. */
export function adviseFiles(parts: UploadPart[], options: { format?: Format; plot?: boolean } = {}): AdviseResult {
  const upload = parseUpload(parts, options.format);
  const advice = adviseUpload(upload);
  const run = upload.runs[upload.runs.length - 1];
  return { upload, advice, run, plotSvg: options.plot ? renderPlotSvg(run, advice) : undefined };
}
