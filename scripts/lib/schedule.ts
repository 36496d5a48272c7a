/** Learning-rate schedules, evaluated once per epoch; plateau state is part of the checkpoint. */

export type ScheduleName = 'constant' | 'step' | 'cosine' | 'reduce_on_plateau';
export const SCHEDULES: readonly ScheduleName[] = ['constant', 'step', 'cosine', 'reduce_on_plateau'];

export interface ScheduleOptions {
  schedule: ScheduleName;
  /** step: multiply by `factor` every `stepEpochs`; reduce_on_plateau: multiply by `factor` after `patience` epochs. */
  factor: number;
  stepEpochs: number;
  patience: number;
  /** Floor for every schedule (cosine ends here). */
  minLearningRate: number;
  /** Epochs of linear warm-up from lr/10 (0 disables). */
  warmupEpochs: number;
}

export interface PlateauState {
  learningRate: number;
  bestValLoss: number | null;
  epochsWithoutImprovement: number;
}

/**
 * The rate for `epoch` (0-based) of `epochs`; reduce_on_plateau reads and updates `plateau` from the last val_loss.
 * @example learningRateFor(0, 10, 1e-3, {schedule: 'cosine', ...}) // 1e-3
 */
export function learningRateFor(epoch: number, epochs: number, base: number, options: ScheduleOptions, plateau: PlateauState): number {
  if (options.warmupEpochs > 0 && epoch < options.warmupEpochs) {
    return base * (0.1 + (0.9 * epoch) / options.warmupEpochs);
  }
  switch (options.schedule) {
    case 'constant':
      return base;
    case 'step':
      return Math.max(options.minLearningRate, base * options.factor ** Math.floor(epoch / Math.max(1, options.stepEpochs)));
    case 'cosine': {
      const start = options.warmupEpochs;
      const progress = epochs - start <= 1 ? 0 : (epoch - start) / (epochs - start - 1);
      return options.minLearningRate + 0.5 * (base - options.minLearningRate) * (1 + Math.cos(Math.PI * progress));
    }
    case 'reduce_on_plateau':
      return plateau.learningRate;
  }
}

/** Feeds one epoch's val_loss to the plateau tracker (used by reduce_on_plateau). */
export function observeValLoss(plateau: PlateauState, valLoss: number, options: ScheduleOptions): void {
  if (plateau.bestValLoss === null || valLoss < plateau.bestValLoss - 1e-4) {
    plateau.bestValLoss = valLoss;
    plateau.epochsWithoutImprovement = 0;
    return;
  }
  plateau.epochsWithoutImprovement++;
  if (options.schedule === 'reduce_on_plateau' && plateau.epochsWithoutImprovement >= options.patience) {
    plateau.learningRate = Math.max(options.minLearningRate, plateau.learningRate * options.factor);
    plateau.epochsWithoutImprovement = 0;
  }
}
