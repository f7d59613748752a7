/**
 * The short-message guard. A plain-text message of a few words ("see you at
 * 3", a password-reset link, an order confirmation) gives the statistical
 * model almost no text to judge, so its log-odds are then driven by bias and
 * metadata features learnt from a 2002 corpus in which such short messages
 * were mostly spam; honest transactional mail scored `suspect` or `spam`.
 *
 * For a short plain message (fewer than SHORT_MESSAGE_WORDS body words, no
 * HTML, no attachments, and every link pointing at the From domain) the
 * scanner caps the model's log-odds at SHORT_MESSAGE_MAX_LOGIT, so the model
 * alone cannot make it suspect; rules, URI blocklists and adapters still
 * count in full. Short spam with a link to another domain ("Cheap v1agra,
 * click http://...") is not guarded.
 * Limits: short spam that links only to its own From domain, or has no link,
 * relies on rules and blocklists (the From domain of outbound mail is the
 * tenant's, whose sending is authenticated).
 */
import { addressDomain } from './mime/headers.js';
import type { MessageView } from './view.js';

export const SHORT_MESSAGE_WORDS = 40;
/** Model log-odds cap for guarded messages: sigmoid(-0.5) ≈ 0.38, below the default suspect 0.5. */
export const SHORT_MESSAGE_MAX_LOGIT = -0.5;

/** Does the guard apply to this message? (Counts words only up to the limit.) */
export function isShortPlainMessage(view: MessageView): boolean {
  const msg = view.msg;
  if (msg.unparseable || msg.htmls.length > 0 || msg.attachments.length > 0) return false;
  if (view.urls.length > 0) {
    const fd = msg.from !== null ? addressDomain(msg.from.address) : '';
    if (fd === '') return false;
    for (const u of view.urls) if (u.ip || !(u.domain === fd || fd.endsWith('.' + u.domain))) return false;
  }
  let words = 0;
  const t = view.text;
  let inWord = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const w = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 0xc0;
    if (w && !inWord && ++words >= SHORT_MESSAGE_WORDS) return false;
    inWord = w;
  }
  return true;
}
