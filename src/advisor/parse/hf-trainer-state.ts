/**
 * `hf-trainer-state`: Hugging Face `trainer_state.json` (`log_history`), a bare `log_history` array, or the
 * `{'loss': …, 'epoch': …}` dicts the Trainer prints to the console (also quoted in notes and markdown).
 * Grouped per epoch when every entry has one and each epoch has at most one evaluation (training values
 * averaged per epoch, evaluation values as logged); otherwise one point per logged step.
 */
import { AdvisorInputError, type ParsedUpload, type TrainingLog } from '../types';
import { entriesOf, type HistoryPass, historyRun, readHistory } from './hf-history';
import { decodeText, extractObjectLiterals, parseLenientJson } from './text';
import { openTrainerState } from './trainer-state-reader';

/** Reads `num_train_epochs`, `train_batch_size` into the run description. */
function runInfoOf(state: Record<string, unknown>, log: TrainingLog): void {
  if (typeof state.num_train_epochs === 'number') log.run.epochs = state.num_train_epochs;
  if (typeof state.train_batch_size === 'number') log.run.batchSize = state.train_batch_size;
}

/** The log_history array inside whatever was uploaded (`json`: the document, when sniffing already parsed it). */
function historyOf(
  text: string,
  json: unknown,
): { history: unknown[]; state: Record<string, unknown> | null; fromText: boolean } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc = json;
    try {
      doc ??= parseLenientJson(trimmed);
    } catch {
      doc = undefined;
    }
    if (Array.isArray(doc)) return { history: doc, state: null, fromText: false };
    if (typeof doc === 'object' && doc !== null) {
      const state = doc as Record<string, unknown>;
      if (Array.isArray(state.log_history)) return { history: state.log_history, state, fromText: false };
      if (state.log_history !== undefined) throw new AdvisorInputError('malformed', '`log_history` must be an array');
      return { history: [state], state: null, fromText: true }; // one printed log entry
    }
  }
  return { history: extractObjectLiterals(text), state: null, fromText: true };
}

/** A trainer_state.json read straight from its bytes: the document (with an empty `log_history`) and its history. */
export class TrainerStateRead {
  constructor(
    readonly state: Record<string, unknown>,
    readonly history: HistoryPass,
  ) {}
}

/**
 * The usual trainer_state.json read from its bytes (./trainer-state-reader.ts), with no string of the whole file and
 * no object per entry; null for any other upload, whose whole text must then be parsed.
 */
export function readTrainerState(bytes: Uint8Array): TrainerStateRead | null {
  const reader = openTrainerState(bytes);
  const history = reader && readHistory(reader.entries);
  const state = history && reader.state();
  return state ? new TrainerStateRead(state, history as HistoryPass) : null;
}

/**
 * Parses trainer_state.json (or Trainer console dicts); `json` is what sniffing read, the document or a
 * TrainerStateRead.
 * @example
 * const state = '{"log_history":[{"loss":0.7,"epoch":0.5,"step":10},{"eval_loss":0.6,"epoch":1.0,"step":20}]}';
 * parseHfTrainerState(bytes(state)).runs[0].metrics // { loss: [0.7], val_loss: [0.6] }
 */
export function parseHfTrainerState(bytes: Uint8Array, text?: string, json?: unknown): ParsedUpload {
  const read = json instanceof TrainerStateRead ? json : text === undefined ? readTrainerState(bytes) : null;
  if (read) return parsed(read.history, read.state, false);
  const { history, state, fromText } = historyOf(text ?? decodeText(bytes), json);
  return parsed(readHistory(entriesOf(history)) as HistoryPass, state, fromText);
}

function parsed(history: HistoryPass, state: Record<string, unknown> | null, fromText: boolean): ParsedUpload {
  const what = fromText ? 'no Trainer log entries found in the text' : '`log_history` has no metric entries';
  const log = historyRun(history, what);
  if (state) runInfoOf(state, log);
  if (fromText) log.warnings.push(`read ${history.count} Trainer log entries from text`);
  return { runs: [log], warnings: [] };
}
