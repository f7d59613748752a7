/**
 * The SpamAssassin corpus prepared once for the scanner's development
 * harnesses (bench/scanner-lab*.ts): each message's feature vector, the sum
 * of the rule weights that fire on it, its subject and whether the
 * short-message guard applies, so that training variants can be scored
 * without parsing again. Also `receivedAt`, the time a corpus message was
 * received (mbox line, else its Date field), for the Date rules.
 */
import { mboxTime, type CorpusMessage } from '../../src/scan/corpus.js';
import { TRAIN_MAX_TEXT, TRAIN_MAX_URLS } from '../../src/scan/dataset.js';
import { createFeatureExtractor } from '../../src/scan/features.js';
import { parseMessage } from '../../src/scan/mime/parse.js';
import { resolveOptions } from '../../src/scan/options.js';
import { RULES } from '../../src/scan/rules/index.js';
import { isShortPlainMessage } from '../../src/scan/short-message.js';
import type { Example } from '../../src/scan/train.js';
import { createUrlAnalyzer } from '../../src/scan/urls.js';
import { buildView } from '../../src/scan/view.js';

export function receivedAt(raw: Buffer): number | undefined {
  const t = mboxTime(raw);
  if (t !== undefined) return t;
  const m = /^Date:\s*(.+)$/im.exec(raw.toString('latin1', 0, Math.min(raw.length, 16384)));
  const d = m ? Date.parse(m[1]!) : NaN;
  return Number.isFinite(d) ? d : undefined;
}

export interface PreparedCorpus {
  readonly examples: Example[];
  readonly ruleSum: number[];
  readonly subjects: string[];
  /** The short-message guard caps this message's model score (always false unless `guard`). */
  readonly guarded: boolean[];
}

export function prepareCorpus(corpus: readonly CorpusMessage[], o: { readonly bits: number; readonly guard: boolean }): PreparedCorpus {
  const urls = createUrlAnalyzer();
  const fx = createFeatureExtractor(o.bits);
  const opts = resolveOptions({});
  const out: PreparedCorpus = { examples: [], ruleSum: [], subjects: [], guarded: [] };
  for (const m of corpus) {
    const view = buildView(parseMessage(m.raw, { maxText: TRAIN_MAX_TEXT, attachmentHead: 65536 }), urls, TRAIN_MAX_TEXT, TRAIN_MAX_URLS);
    out.examples.push({ vec: fx.extract(view, 1), label: m.label });
    const at = receivedAt(m.raw);
    let s = 0;
    for (const r of RULES) {
      if (r.check({ view, ctx: { recipientCount: 1, mailFrom: '' }, now: at ?? Date.now(), recipientLimit: opts.recipientLimit, urls }) !== null) s += opts.weights[r.name];
    }
    out.ruleSum.push(s);
    out.subjects.push(view.msg.subject.slice(0, 60));
    out.guarded.push(o.guard && isShortPlainMessage(view));
  }
  return out;
}
