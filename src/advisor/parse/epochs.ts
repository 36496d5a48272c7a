/**
 * Epoch numbering across appended and resumed runs, shared by the CSV and console-text parsers:
 * - an epoch at or below the run's first epoch (`0` after `0…4`) starts a NEW run (Keras CSVLogger append=True,
 *   several `fit` calls in one console);
 * - an epoch that goes back but stays above the first (`21` after `…25`) is a RESUME from a checkpoint: the
 *   earlier records from that epoch on are replaced by the later ones, as the resumed run continues the weights.
 */

export interface EpochRecord<T> {
  epoch: number;
  value: T;
}

export interface EpochRuns<T> {
  runs: Array<Array<EpochRecord<T>>>;
  /** Human-readable notes on resumes, one per resume, indexed by run. */
  resumes: Array<{ run: number; from: number; to: number }>;
}

/**
 * Splits a sequence of epoch records into runs and applies resumes.
 * @example splitEpochRuns([{epoch:0},{epoch:1},{epoch:0}].map((r) => ({...r, value: null}))).runs.length // 2
 */
export function splitEpochRuns<T>(records: Array<EpochRecord<T>>): EpochRuns<T> {
  const runs: Array<Array<EpochRecord<T>>> = [];
  const resumes: EpochRuns<T>['resumes'] = [];
  let current: Array<EpochRecord<T>> = [];
  for (const record of records) {
    const last = current[current.length - 1];
    if (last !== undefined && record.epoch <= last.epoch) {
      if (record.epoch <= current[0].epoch) {
        runs.push(current);
        current = [];
      } else {
        resumes.push({ run: runs.length, from: record.epoch, to: last.epoch });
        let keep = current.length;
        while (keep > 0 && current[keep - 1].epoch >= record.epoch) keep--;
        current.length = keep;
      }
    }
    current.push(record);
  }
  if (current.length > 0) runs.push(current);
  return { runs, resumes };
}

/** The warning for a resume, in the uploaded numbering. */
export function resumeWarning(from: number, to: number): string {
  const span = from === to ? `epoch ${from} appears` : `epochs ${from}–${to} appear`;
  return `${span} twice (training resumed from a checkpoint); the later values were kept`;
}

/** The warning for several runs in one file. */
export function appendedRunsWarning(count: number, how: string): string {
  return `the upload holds ${count} runs one after another (${how}); each is analysed as its own segment`;
}
