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

/** A resume inside run `run`: epochs `from`–`to` appeared again. */
export interface Resume {
  run: number;
  from: number;
  to: number;
}

export interface EpochRuns<T> {
  runs: Array<Array<EpochRecord<T>>>;
  /** One per resume, indexed by run. */
  resumes: Resume[];
}

/** Whether every epoch is above the one before: a single run with nothing to split or resume (the usual log). */
export function isSingleRun(epochs: ArrayLike<number>): boolean {
  for (let i = 1; i < epochs.length; i++) if (!(epochs[i] > epochs[i - 1])) return false;
  return true;
}

/**
 * Splits a sequence of epoch numbers into runs and applies resumes; each run lists the indexes of the epochs it
 * keeps, so a parser can keep its values in columns rather than one object per record.
 * @example splitEpochIndexes([0, 1, 0]).runs // [[0, 1], [2]]
 */
export function splitEpochIndexes(epochs: ArrayLike<number>): { runs: number[][]; resumes: Resume[] } {
  const runs: number[][] = [];
  const resumes: Resume[] = [];
  let current: number[] = [];
  for (let i = 0; i < epochs.length; i++) {
    const epoch = epochs[i];
    if (current.length > 0 && epoch <= epochs[current[current.length - 1]]) {
      if (epoch <= epochs[current[0]]) {
        runs.push(current);
        current = [];
      } else {
        resumes.push({ run: runs.length, from: epoch, to: epochs[current[current.length - 1]] });
        let keep = current.length;
        while (keep > 0 && epochs[current[keep - 1]] >= epoch) keep--;
        current.length = keep;
      }
    }
    current.push(i);
  }
  if (current.length > 0) runs.push(current);
  return { runs, resumes };
}

/**
 * Splits a sequence of epoch records into runs and applies resumes.
 * @example splitEpochRuns([{epoch:0},{epoch:1},{epoch:0}].map((r) => ({...r, value: null}))).runs.length // 2
 */
export function splitEpochRuns<T>(records: Array<EpochRecord<T>>): EpochRuns<T> {
  const epochs = records.map((r) => r.epoch);
  if (isSingleRun(epochs)) return { runs: records.length > 0 ? [records] : [], resumes: [] };
  const { runs, resumes } = splitEpochIndexes(epochs);
  return { runs: runs.map((run) => run.map((i) => records[i])), resumes };
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
