/** Real training logs from ../shared/curves (not part of the repository): parsed when present, skipped otherwise. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUpload } from '../../../src/advisor/parse/index';

const CURVES = resolve(__dirname, '../../../../shared/curves');

interface LabelItem {
  file: string;
}

describe.skipIf(!existsSync(`${CURVES}/labels.json`))('shared real-world logs', () => {
  const items: LabelItem[] = existsSync(`${CURVES}/labels.json`)
    ? (JSON.parse(readFileSync(`${CURVES}/labels.json`, 'utf8')) as { items: LabelItem[] }).items
    : [];

  /** Expected format, run count and points per run of each log. */
  const EXPECTED: Record<string, [string, number[]]> = {
    'autotrainer_vanish_log.csv': ['keras-csv', [91]],
    'autotrainer_oscillating_log.csv': ['keras-csv', [61]],
    'deepdiag_mnist_stuck_chance_log.csv': ['keras-csv', [100]],
    'deepdiag_blob_plateau_at_vanish.csv': ['keras-csv', [127]],
    'deepdiag_circle_healthy_at_fp_explode.csv': ['keras-csv', [91]],
    'mnist_keras_healthy_rlrop.csv': ['keras-csv', [30]],
    'lightning_mnist_metrics.csv': ['lightning-csv', [5]],
    'tomato_keras_overfit.csv': ['keras-csv', [29]],
    'plant_keras_earlyoverfit.csv': ['keras-csv', [9]],
    'fer_resnet50_keras.csv': ['keras-csv', [17]],
    'skin_vgg16_pytorch_textlog.log': ['keras-text', [30]],
    'lung_keras_val_oscillation.csv': ['keras-csv', [10]],
    'braintumor_keras_multirun_appended.csv': ['keras-csv', [5, 4, 10, 5]],
    'hf_lora_distilbert_trainer_state.json': ['hf-trainer-state', [3]],
    'hf_bert_weibo_trainonly_trainer_state.json': ['hf-trainer-state', [51]],
    'hf_qwen_lora_eval_nan_excerpt.md': ['hf-trainer-state', [3]],
    'keras_relu_output_nan_excerpt.txt': ['keras-text', [2]],
    'keras_lstm_softmax1_nan_excerpt.txt': ['keras-text', [5]],
  };

  it('covers every labelled log', () => {
    expect(items.map((i) => i.file.replace(/^logs\//, '')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, [format, points]] of Object.entries(EXPECTED)) {
    it(`${file} → ${format}, ${points.length} run(s) of ${points.join('/')} points`, () => {
      const bytes = new Uint8Array(readFileSync(`${CURVES}/logs/${file}`));
      const { runs } = parseUpload([{ name: file, bytes }]);
      expect(runs.map((r) => r.format)).toEqual(points.map(() => format));
      expect(runs.map((r) => r.metrics.loss?.length ?? r.metrics.val_loss?.length)).toEqual(points);
    });
  }

  it('reads the values the labels quote', () => {
    const read = (file: string) => parseUpload([{ name: file, bytes: new Uint8Array(readFileSync(`${CURVES}/logs/${file}`)) }]).runs;
    expect(read('hf_qwen_lora_eval_nan_excerpt.md')[0].metrics.val_loss).toEqual([0.9795956611633301, 0.9546372890472412, NaN]);
    expect(read('keras_lstm_softmax1_nan_excerpt.txt')[0].metrics.loss.every(Number.isNaN)).toBe(true);
    const skin = read('skin_vgg16_pytorch_textlog.log')[0];
    expect(skin.metrics.val_loss[19]).toBe(1.0521);
    expect(skin.metrics.loss[20]).toBe(0.7671); // epoch 21 after the resume replaces the first attempt
    expect(read('lightning_mnist_metrics.csv')[0].metrics.val_loss.map((v) => Number(v?.toFixed(4)))).toEqual([0.0711, 0.0459, 0.0443, 0.0467, 0.0392]);
    expect(read('hf_bert_weibo_trainonly_trainer_state.json')[0].metrics.val_loss).toBeUndefined();
  });
});
