/**
 * Epoch numbering across appended and resumed runs, shared by the CSV and console-text parsers:
 * - an epoch at or below the run's first epoch (`0` after `0…4`) starts a NEW run (Keras CSVLogger append=True,
 *   several `fit` calls in one console);
 * - an epoch that goes back but stays above the first (`21` after `…25`) is a RESUME from a checkpoint: the
 *   earlier records from that epoch on are replaced by the later ones, as the resumed run continues the weights.
 */

/** A resume inside run `run`: epochs `from`–`to` appeared again. */
export interface Resume {
  run: number;
  from: number;
  to: number;
}

/** Epoch numbers by index, as a SeriesBuilder holds them. */
export interface EpochNumbers {
  readonly length: number;
  at(i: number): number;
}

/** Whether every epoch is above the one before: a single run with nothing to split or resume (the usual log). */
export function isSingleRun(epochs: EpochNumbers): boolean {
  for (let i = 1; i < epochs.length; i++) if (!(epochs.at(i) > epochs.at(i - 1))) return false;
  return true;
}

/**
 * Splits a sequence of epoch numbers into runs and applies resumes; each run lists the indexes of the epochs it
 * keeps, so a parser can keep its values in columns rather than one object per record.
 * @example splitEpochIndexes(epochs).runs // [[0, 1], [2]] for epochs 0, 1, 0 (a SeriesBuilder)
 */
export function splitEpochIndexes(epochs: EpochNumbers): { runs: number[][]; resumes: Resume[] } {
  const runs: number[][] = [];
  const resumes: Resume[] = [];
  let current: number[] = [];
  const epochAt = (k: number): number => epochs.at(current[k]);
  for (let i = 0; i < epochs.length; i++) {
    const epoch = epochs.at(i);
    if (current.length > 0 && epoch <= epochAt(current.length - 1)) {
      if (epoch <= epochAt(0)) {
        runs.push(current);
        current = [];
      } else {
        resumes.push({ run: runs.length, from: epoch, to: epochAt(current.length - 1) });
        let keep = current.length;
        while (keep > 0 && epochAt(keep - 1) >= epoch) keep--;
        current.length = keep;
      }
    }
    current.push(i);
  }
  if (current.length > 0) runs.push(current);
  return { runs, resumes };
}

/** The warning for a resume, in the uploaded numbering. */
function resumeWarning(from: number, to: number): string {
  const span = from === to ? `epoch ${from} appears` : `epochs ${from}–${to} appear`;
  return `${span} twice (training resumed from a checkpoint); the later values were kept`;
}

/**
 * The runs of a sequence of epochs, each built by `build` from the indexes of the epochs it keeps (no indexes: all of
 * them, the usual single run), with a warning on each run that was resumed.
 */
export function runsOfEpochs<Run extends { warnings: string[] }>(
  epochs: EpochNumbers,
  build: (indexes?: number[]) => Run,
): Run[] {
  if (isSingleRun(epochs)) return [build()];
  const split = splitEpochIndexes(epochs);
  const runs = split.runs.map((indexes) => build(indexes));
  for (const r of split.resumes) runs[r.run].warnings.push(resumeWarning(r.from, r.to));
  return runs;
}

/** The warning for several runs in one file. */
export function appendedRunsWarning(count: number, how: string): string {
  return `the upload holds ${count} runs one after another (${how}); each is analysed as its own segment`;
}
