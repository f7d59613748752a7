/**
 * Hashed feature extraction: MessageView -> sparse vector for the linear model.
 * This file composes the feature families of features/ in a fixed order:
 *
 *  text (normalised as one block, vector.ts): body words and bigrams, subject
 *    words (words.ts);
 *  metadata (fixed value each): text counts (text-stats.ts), subject shape and
 *    character trigrams (subject.ts), link domains (links.ts), structure counts
 *    (counts.ts), sender and recipient shape (sender.ts), author-side header
 *    names, values and order (headers.ts), mailer, MIME structure (mime.ts),
 *    Date and Message-ID shapes (stamps.ts).
 *
 * Invariants: deterministic; bounded by the view's text cap and MAX_TOKENS.
 * Changing any family changes FEATURE_VERSION and needs a retrain
 * (`npm run train`); a model for another version is refused.
 */
import type { MessageView } from './view.js';
import { addCounts } from './features/counts.js';
import { addMailerFeatures, createHeaderFeatures } from './features/headers.js';
import { addLinkFeatures } from './features/links.js';
import { addBoundaryShape, addMimeStructure } from './features/mime.js';
import { SEED } from './features/seeds.js';
import { addRecipientShape, addSenderFeatures } from './features/sender.js';
import { createSink } from './features/sink.js';
import { addDateShape, addMessageIdShape } from './features/stamps.js';
import { addSubjectFeatures } from './features/subject.js';
import { addTextStats } from './features/text-stats.js';
import { createVectorizer } from './features/vector.js';
import type { SparseVector } from './features/vector.js';
import { addWords } from './features/words.js';
import type { WordCapture } from './features/words.js';

export { EXCLUDED_HEADER } from './features/headers.js';
export type { SparseVector } from './features/vector.js';

export const FEATURE_VERSION = 3;
const MAX_TOKENS = 12000;
/** Body word hashes kept in order for the campaign fingerprint. */
const MAX_HASHES = 600;

export interface FeatureExtractor {
  /** Hashes of the body words seen by the last extract() call, in order (a view, overwritten next call). */
  lastWordHashes(): Uint32Array;
  extract(view: MessageView, recipientCount: number): SparseVector;
  /** Readable names ("w:free", "hdr:x-mailer", ...) of features of the last extract() call. */
  explain(ids: readonly number[]): Map<number, string>;
}

/** Build an extractor for 2^bits buckets; it reuses scratch buffers (one per scanner). */
export function createFeatureExtractor(bits: number): FeatureExtractor {
  const sink = createSink(bits);
  const vectorize = createVectorizer();
  const headers = createHeaderFeatures();
  const capture: WordCapture = { hashes: new Uint32Array(MAX_HASHES), count: 0 };

  function extract(view: MessageView, recipientCount: number): SparseVector {
    const msg = view.msg;
    sink.reset();
    capture.count = 0;
    const nWords = addWords(sink, view.text.toLowerCase(), SEED.word, SEED.bigram, 'w', MAX_TOKENS, capture);
    addWords(sink, msg.subject.toLowerCase(), SEED.subj, 0, 's', 64);
    sink.markTextEnd();
    addTextStats(sink, view.text, nWords);
    addSubjectFeatures(sink, msg.subject);
    const domains = addLinkFeatures(sink, view);
    addCounts(sink, view, domains.size, recipientCount);
    addSenderFeatures(sink, msg);
    headers.addHeaderFeatures(sink, msg);
    addRecipientShape(sink, msg);
    addBoundaryShape(sink, msg);
    addMailerFeatures(sink, msg);
    addMimeStructure(sink, msg);
    addDateShape(sink, msg);
    addMessageIdShape(sink, msg);
    return vectorize(sink);
  }

  return { extract, explain: (ids) => sink.explain(ids), lastWordHashes: () => capture.hashes.subarray(0, capture.count) };
}
