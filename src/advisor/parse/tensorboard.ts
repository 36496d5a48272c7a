/**
 * `tensorboard`: event files (`events.out.tfevents.*`). TFRecord framing — uint64 length, masked CRC-32C of the
 * length, data, masked CRC-32C of the data — around Event protobufs whose Summary values carry scalars as
 * `simple_value` (TF1, PyTorch) or a one-element `tensor` (TF2 / Keras).
 */
import { AdvisorInputError, type ParsedUpload, type Series } from '../types';
import { maskedCrc32c } from './crc32c';
import { addSeries, assertSeriesCount, assertSeriesLength, createLog, SeriesBuilder } from './log';
import { decodeString, FieldReader, WIRE_FIXED32, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf';
import { RepeatedStrings } from './text';

const HEADER_BYTES = 12; // uint64 length + masked CRC of it
const FOOTER_BYTES = 4; // masked CRC of the data

// Event fields
const EVENT_STEP = 2;
const EVENT_SUMMARY = 5;
// Summary fields
const SUMMARY_VALUE = 1;
// Summary.Value fields
const VALUE_TAG = 1;
const VALUE_SIMPLE = 2;
const VALUE_TENSOR = 8;
// TensorProto fields
const TENSOR_DTYPE = 1;
const TENSOR_CONTENT = 4;
const TENSOR_FLOAT_VAL = 5;
const TENSOR_DOUBLE_VAL = 6;
const DT_FLOAT = 1;
const DT_DOUBLE = 2;

/** Whether `bytes` start with a TFRecord header whose length CRC checks out: how event files are sniffed. */
export function hasTfRecordHeader(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_BYTES) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return maskedCrc32c(bytes, 0, 8) === view.getUint32(8, true);
}

/**
 * The scalar of the TensorProto in the current field of `field`, or null when it is not a single float/double
 * (histograms, images, text).
 */
function tensorScalar(field: FieldReader): number | null {
  // a first pass reads every field (a malformed one makes the event unreadable) and finds the dtype
  let dtype = 0;
  for (const f = field.message(); f.next(); ) if (f.number === TENSOR_DTYPE && f.wireType === WIRE_VARINT) dtype = f.varint;
  if (dtype !== DT_FLOAT && dtype !== DT_DOUBLE) return null;
  let count = 0;
  let scalar: number | null = null;
  const take = (values: number[]): void => {
    count += values.length;
    if (values.length > 0) scalar = values[0];
  };
  for (const f = field.message(); f.next(); ) {
    // a scalar is at most 8 bytes: larger payloads (histograms) are not decoded at all
    if (f.end - f.start > 8) return null;
    if (f.number === TENSOR_CONTENT && f.wireType === WIRE_LENGTH_DELIMITED) {
      take(f.littleEndianFloats(dtype === DT_FLOAT ? 4 : 8));
    } else if (f.number === TENSOR_FLOAT_VAL) take(f.packedFloats(4));
    else if (f.number === TENSOR_DOUBLE_VAL) take(f.packedFloats(8));
  }
  return count === 1 ? scalar : null;
}

/** The scalars of one Event, reused from one event to the next. */
interface EventScalars {
  step: number;
  tags: string[];
  values: number[];
}

/** The readers of an Event and its nested Summary and Summary.Value, reused from one event to the next. */
interface EventReaders {
  event: FieldReader;
  summary: FieldReader;
  value: FieldReader;
}

function eventReaders(bytes: Uint8Array, view: DataView): EventReaders {
  const reader = () => new FieldReader(bytes, 0, 0, view);
  return { event: reader(), summary: reader(), value: reader() };
}

/** Reads the Event in `readers.event` into `out`: its step and scalars (tag → value). */
function readEvent(readers: EventReaders, tags: RepeatedStrings, out: EventScalars): void {
  out.step = 0;
  out.tags.length = 0;
  out.values.length = 0;
  for (const field = readers.event; field.next(); ) {
    if (field.number === EVENT_STEP && field.wireType === WIRE_VARINT) out.step = field.varint;
    if (field.number !== EVENT_SUMMARY || field.wireType !== WIRE_LENGTH_DELIMITED) continue;
    for (const valueField = field.messageIn(readers.summary); valueField.next(); ) {
      if (valueField.number !== SUMMARY_VALUE || valueField.wireType !== WIRE_LENGTH_DELIMITED) continue;
      let tag: string | null = null;
      let value: number | null = null;
      for (const f = valueField.messageIn(readers.value); f.next(); ) {
        if (f.number === VALUE_TAG && f.wireType === WIRE_LENGTH_DELIMITED) tag = tags.of(f.buf, f.start, f.end, decodeString);
        else if (f.number === VALUE_SIMPLE && f.wireType === WIRE_FIXED32) value = f.float();
        else if (f.number === VALUE_TENSOR && f.wireType === WIRE_LENGTH_DELIMITED) value = tensorScalar(f);
      }
      if (tag !== null && value !== null) {
        out.tags.push(tag);
        out.values.push(value);
      }
    }
  }
}

/**
 * One tag's points in file order while its steps increase (a long run has 100 000s: no map entry per point);
 * from the first step that goes back (a restart), by step, the later value replacing the earlier one.
 */
interface TagPoints {
  steps: SeriesBuilder;
  values: SeriesBuilder;
  byStep: Map<number, number> | null;
}

function addPoint(points: TagPoints, step: number, value: number): void {
  const { steps, values } = points;
  if (points.byStep === null && (steps.length === 0 || step > steps.at(steps.length - 1))) {
    steps.push(step);
    values.push(value);
    return;
  }
  points.byStep ??= byStepOf(points);
  points.byStep.set(step, value);
}

/** A tag's points by step. */
function byStepOf(points: TagPoints): Map<number, number> {
  if (points.byStep) return points.byStep;
  const { steps, values } = points;
  const byStep = new Map<number, number>();
  for (let i = 0; i < steps.length; i++) byStep.set(steps.at(i), values.at(i));
  return byStep;
}

function sameNumbers(a: SeriesBuilder, b: SeriesBuilder): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a.at(i) !== b.at(i)) return false;
  return true;
}

/**
 * Parses an event file; records with a bad data CRC or an undecodable Event are skipped with a warning,
 * a truncated last record too, and a bad length CRC ends the read (the framing can no longer be trusted).
 * @example parseTensorBoard(eventFileBytes).runs[0].metrics.loss // [0.9, 0.6, …] from `epoch_loss`
 */
export function parseTensorBoard(bytes: Uint8Array): ParsedUpload {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  const byTag = new Map<string, TagPoints>();
  let crcFailures = 0;
  let undecodable = 0;
  let records = 0;
  let pos = 0;
  const tagStrings = new RepeatedStrings();
  const readers = eventReaders(bytes, view);
  const event: EventScalars = { step: 0, tags: [], values: [] };
  while (pos < bytes.length) {
    if (bytes.length - pos < HEADER_BYTES) {
      warnings.push('the last TensorBoard record was truncated and skipped');
      break;
    }
    if (maskedCrc32c(bytes, pos, pos + 8) !== view.getUint32(pos + 8, true)) {
      if (pos === 0) {
        throw new AdvisorInputError('malformed', 'not a TensorBoard event file: the first record header fails its CRC');
      }
      const rest = bytes.length - pos;
      warnings.push(`a TensorBoard record header failed its CRC at byte ${pos}; the remaining ${rest} bytes were skipped`);
      break;
    }
    const length = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32;
    const dataStart = pos + HEADER_BYTES;
    if (length > bytes.length - dataStart - FOOTER_BYTES) {
      warnings.push('the last TensorBoard record was truncated and skipped');
      break;
    }
    const dataEnd = dataStart + length;
    pos = dataEnd + FOOTER_BYTES;
    records++;
    if (maskedCrc32c(bytes, dataStart, dataEnd) !== view.getUint32(dataEnd, true)) {
      crcFailures++;
      continue;
    }
    try {
      readers.event.read(dataStart, dataEnd);
      readEvent(readers, tagStrings, event);
    } catch {
      undecodable++;
      continue;
    }
    for (let i = 0; i < event.tags.length; i++) {
      const tag = event.tags[i];
      const value = event.values[i];
      let points = byTag.get(tag);
      if (points === undefined) {
        assertSeriesCount(byTag.size + 1);
        points = { steps: new SeriesBuilder(), values: new SeriesBuilder(), byStep: null };
        byTag.set(tag, points);
      }
      addPoint(points, event.step, value);
      assertSeriesLength(points.byStep ? points.byStep.size : points.steps.length, tag);
    }
  }
  if (crcFailures === 1) warnings.push('1 TensorBoard record failed its CRC and was skipped');
  if (crcFailures > 1) warnings.push(`${crcFailures} TensorBoard records failed their CRC and were skipped`);
  if (undecodable > 0) warnings.push(`${undecodable} TensorBoard record(s) were not a readable Event and were skipped`);

  // Keras writes `epoch_*` per epoch and, with update_freq, `batch_*` per batch: prefer the per-epoch view.
  const tags = [...byTag.keys()];
  const epochTags = tags.filter((t) => t.startsWith('epoch_'));
  const chosen = epochTags.length > 0 ? epochTags : tags;
  if (chosen.length < tags.length) {
    const left = tags.filter((t) => !chosen.includes(t)).slice(0, 5).join(', ');
    warnings.push(`per-batch tags (${left}) were left out in favour of the per-epoch ones`);
  }
  const log = createLog('tensorboard', epochTags.length > 0 ? 'epoch' : 'step');
  const tagPoints = chosen.map((t) => byTag.get(t) as TagPoints);
  if (tagPoints.every((p) => p.byStep === null && sameNumbers(p.steps, tagPoints[0].steps))) {
    // the usual file: every tag logged at the same increasing steps, so the values are the series as they are
    assertSeriesLength(tagPoints.length > 0 ? tagPoints[0].steps.length : 0, 'steps');
    chosen.forEach((tag, i) => addSeries(log, tag, tagPoints[i].values.toSeries()));
  } else {
    const maps = tagPoints.map(byStepOf);
    const steps = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
    assertSeriesLength(steps.length, 'steps');
    chosen.forEach((tag, i) => {
      const series: Series = steps.map((s) => (maps[i].has(s) ? (maps[i].get(s) as number) : null));
      addSeries(log, tag, series);
    });
  }
  log.warnings.push(...warnings);
  return { runs: [log], warnings: [] };
}
