/**
 * Corpus -> training examples, through exactly the scanner's own parse, view
 * and feature steps (so training and scanning cannot drift apart).
 */
import type { CorpusMessage } from './corpus.js';
import { createFeatureExtractor } from './features.js';
import { parseMessage } from './mime/parse.js';
import type { Example } from './train.js';
import { createUrlAnalyzer } from './urls.js';
import { buildView } from './view.js';

export const TRAIN_MAX_TEXT = 65536;
export const TRAIN_MAX_URLS = 100;

export function toExamples(corpus: readonly CorpusMessage[], bits: number, onProgress?: (done: number, total: number) => void): Example[] {
  const fx = createFeatureExtractor(bits);
  const urls = createUrlAnalyzer();
  return corpus.map((m, i) => {
    if (onProgress && i % 100 === 0) onProgress(i, corpus.length);
    const view = buildView(parseMessage(m.raw, { maxText: TRAIN_MAX_TEXT, attachmentHead: 65536 }), urls, TRAIN_MAX_TEXT, TRAIN_MAX_URLS);
    const v = fx.extract(view, 1);
    // The extractor returns fresh arrays per call, safe to keep.
    return { vec: v, label: m.label };
  });
}
