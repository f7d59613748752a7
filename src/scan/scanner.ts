/**
 * The scanner stage: raw message + context -> Verdict.
 *
 *   parse (bounded MIME) -> view (text, links, URLs) -> features -> model log-odds
 *   (capped for short plain messages, short-message.ts) -> rules -> [URI blocklist, rspamd, spamd in parallel, each time-boxed]
 *   -> bulk signals, fingerprint -> decide()
 *
 * Invariants: scan() never rejects; bad input gives a verdict with an
 * `unparseable` reason and an internal fault gives a `scanner-error` verdict
 * (class clean: a scanner fault never blocks mail). The synchronous part is
 * bounded by the text/URL caps; the asynchronous part by the configured
 * timeouts. Scanner options are plain data (see options.ts) so the same
 * scanner can be built inside worker threads (pool.ts).
 */
import type { Verdict, VerdictReason } from '../core/types.js';
import { checkRspamd } from './adapters/rspamd.js';
import { checkSpamd } from './adapters/spamd.js';
import type { AdapterResult } from './adapters/result.js';
import { bulkSignals } from './bulk.js';
import { createFeatureExtractor } from './features.js';
import type { SparseVector } from './features.js';
import { simhashOfHashes } from './fingerprint.js';
import { parseMessage } from './mime/parse.js';
import type { ParsedMessage } from './mime/message.js';
import { parseWithPostalMime } from './mime/postal.js';
import { logit, topContributions } from './model.js';
import type { LinearModel } from './model.js';
import { loadModel } from './model-file.js';
import { resolveOptions } from './options.js';
import { isShortPlainMessage, SHORT_MESSAGE_MAX_LOGIT } from './short-message.js';
import type { RuleName, ScanContext, ScannerOptions } from './options.js';
import { RULES } from './rules/index.js';
import { createUriBlocklist } from './uribl.js';
import { createUrlAnalyzer } from './urls.js';
import { decide, errorVerdict } from './verdict.js';
import { buildView } from './view.js';

export interface Scanner {
  scan(raw: Buffer, ctx: ScanContext): Promise<Verdict>;
}

export interface ScanLogEvent {
  readonly event: 'adapter-failed' | 'uribl-error' | 'scanner-error';
  readonly detail: string;
  readonly tenantId?: string;
}

export interface ScannerDeps {
  /** Clock for Date checks and cache expiry (default Date.now). */
  readonly now?: () => number;
  /** Where degradations are reported (default: nowhere; they are also in the verdict). */
  readonly log?: (e: ScanLogEvent) => void;
  /** A model object instead of the file (tests, training evaluation). */
  readonly model?: LinearModel;
}

/** Most features named in the model reason of suspect/spam verdicts. */
const TOP_FEATURES = 5;

export function createScanner(options: ScannerOptions = {}, deps: ScannerDeps = {}): Scanner {
  const opts = resolveOptions(options);
  const model = deps.model ?? loadModel(options.modelPath);
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((): void => undefined);
  const features = createFeatureExtractor(model.bits);
  const urls = createUrlAnalyzer();
  const uribl = options.uriBlocklist !== undefined && options.uriBlocklist.zones.length > 0 ? createUriBlocklist(options.uriBlocklist, now) : null;
  const adapters = options.adapters ?? {};
  const limits = { maxText: opts.maxTextLength, attachmentHead: 65536 };

  /** The features that pushed hardest towards spam, named (must run before the next extract). */
  function explainTop(vec: SparseVector): string {
    const best = topContributions(model, vec, TOP_FEATURES * 2)
      .filter((c) => c.c > 0)
      .slice(0, TOP_FEATURES);
    const names = features.explain(best.map((c) => c.id));
    return best.map((c) => `${names.get(c.id) ?? '#' + c.id} +${c.c.toFixed(2)}`).join(', ');
  }

  async function scan(raw: Buffer, ctx: ScanContext): Promise<Verdict> {
    try {
      const msg: ParsedMessage = options.parser === 'postal-mime' ? await parseWithPostalMime(raw, limits) : parseMessage(raw, limits);
      const view = buildView(msg, urls, opts.maxTextLength, opts.maxUrls);
      const vec = features.extract(view, ctx.recipientCount);
      const modelZ = logit(model, vec);
      // Too few words for the model to judge: it alone cannot make the message suspect (short-message.ts).
      const guarded = modelZ > SHORT_MESSAGE_MAX_LOGIT && isShortPlainMessage(view);
      const z = guarded ? SHORT_MESSAGE_MAX_LOGIT : modelZ;
      const modelDetail = guarded ? `short plain message: model log-odds ${modelZ.toFixed(2)} capped at ${SHORT_MESSAGE_MAX_LOGIT}` : '';
      const ref = ctx.receivedAt ?? now();
      const hits: { rule: RuleName; detail: string }[] = [];
      for (const rule of RULES) {
        if (opts.weights[rule.name] === 0) continue;
        const detail = rule.check({ view, ctx, now: ref, recipientLimit: opts.recipientLimit, urls });
        if (detail !== null) hits.push({ rule: rule.name, detail });
      }
      const extra: VerdictReason[] = [];
      const pending: Promise<void>[] = [];
      if (uribl !== null && opts.weights['uribl-listed'] !== 0) {
        const domains = view.urls.filter((u) => !u.ip).map((u) => u.domain);
        pending.push(
          uribl.check(domains).then((r) => {
            const seen = new Set<string>();
            for (const l of r.listed) {
              if (seen.has(l.domain)) continue;
              seen.add(l.domain);
              hits.push({ rule: 'uribl-listed', detail: `${l.domain} listed in ${l.zone} (${l.code})` });
            }
            for (const e of r.errors) log({ event: 'uribl-error', detail: e, ...(ctx.tenantId !== undefined ? { tenantId: ctx.tenantId } : {}) });
          }),
        );
      }
      const fold = (r: AdapterResult): void => {
        const w = opts.weights[r.adapter];
        if (!r.ok) log({ event: 'adapter-failed', detail: r.detail, ...(ctx.tenantId !== undefined ? { tenantId: ctx.tenantId } : {}) });
        extra.push({ rule: r.adapter, weight: r.ok ? w * r.signal : 0, detail: r.ok ? r.detail : `${r.detail}; verdict is Outpost's own` });
      };
      if (adapters.rspamd !== undefined && opts.weights.rspamd !== 0) pending.push(checkRspamd(adapters.rspamd, raw, ctx).then(fold));
      if (adapters.spamassassin !== undefined && opts.weights.spamassassin !== 0) pending.push(checkSpamd(adapters.spamassassin, raw).then(fold));
      // The extractor's scratch state belongs to this message only until the next
      // scan() runs; name the top features now if we are about to yield.
      let explained: string | null = null;
      if (pending.length > 0) {
        explained = explainTop(vec);
        await Promise.all(pending);
      }
      // Keep rule reasons in RULES order, URI listings after them.
      const verdict = decide({ modelLogit: z, modelDetail, hits, extra, bulk: bulkSignals(view, ctx.recipientCount, opts.bulkRecipients), fingerprint: simhashOfHashes(features.lastWordHashes()) }, opts);
      if (verdict.class === 'clean' || verdict.class === 'bulk') return verdict;
      // Explain the model part of doubtful verdicts with the features that weighed most.
      const top = explained ?? explainTop(vec);
      return { ...verdict, reasons: verdict.reasons.map((r) => (r.rule === 'model' && top !== '' ? { ...r, detail: `${r.detail}; top features: ${top}` } : r)) };
    } catch (err) {
      const detail = `scanner fault: ${(err as Error).message ?? String(err)}`;
      log({ event: 'scanner-error', detail, ...(ctx.tenantId !== undefined ? { tenantId: ctx.tenantId } : {}) });
      return errorVerdict(detail);
    }
  }
  return { scan };
}
