/**
 * The detectors, one file per finding id, all `(ctx) => Finding[]`. Order matters only in one direction: a detector
 * may read `ctx.earlier` (findings of those listed before it), so causes (lr_too_high, vanishing_gradients) come after
 * the symptoms they explain.
 */
import type { DetectorContext } from '../context';
import type { Finding, FindingId } from '../types';
import { detectDeadRelu } from './dead-relu';
import { detectDivergence } from './divergence';
import { detectExplodingGradients } from './exploding-gradients';
import { detectLrTooHigh } from './lr-too-high';
import { detectLrTooLow } from './lr-too-low';
import { detectNanLoss } from './nan-loss';
import { detectNoValidationData } from './no-validation-data';
import { detectOscillation } from './oscillation';
import { detectOverfitting } from './overfitting';
import { detectPlateau } from './plateau';
import { detectSaturatedActivations } from './saturated-activations';
import { detectStuckAtChance } from './stuck-at-chance';
import { detectUnderfitting } from './underfitting';
import { detectVanishingGradients } from './vanishing-gradients';

export type Detector = (ctx: DetectorContext) => Finding[];

export const DETECTORS: ReadonlyArray<readonly [FindingId, Detector]> = [
  ['nan_loss', detectNanLoss],
  ['divergence', detectDivergence],
  ['exploding_gradients', detectExplodingGradients],
  ['stuck_at_chance', detectStuckAtChance],
  ['vanishing_gradients', detectVanishingGradients],
  ['dead_relu', detectDeadRelu],
  ['saturated_activations', detectSaturatedActivations],
  ['overfitting', detectOverfitting],
  ['oscillation', detectOscillation],
  ['plateau', detectPlateau],
  ['underfitting', detectUnderfitting],
  ['lr_too_high', detectLrTooHigh],
  ['lr_too_low', detectLrTooLow],
  ['no_validation_data', detectNoValidationData],
];

/** Curve detectors that say nothing when every loss value is non-finite (only nan_loss speaks then). */
export const NEEDS_FINITE_LOSS: ReadonlySet<FindingId> = new Set([
  'divergence', 'stuck_at_chance', 'overfitting', 'oscillation', 'plateau', 'underfitting', 'lr_too_low', 'vanishing_gradients',
]);
