/**
 * Rule: an HTML form asking for a password (body or HTML attachment), or any
 * form in an HTML attachment posting to a domain other than the sender's: a
 * credential-harvest page. Forms in ordinary HTML bodies (newsletter search
 * boxes) do not count on their own.
 */
import type { Rule } from './rule.js';
import { addressDomain } from '../mime/headers.js';

export const credentialForm: Rule = {
  name: 'credential-form',
  summary: 'HTML form asking for a password or posting elsewhere',
  check({ view }) {
    if (view.forms === 0 && view.passwordFields === 0) return null;
    if (view.passwordFields > 0) return `HTML with ${view.passwordFields} password field(s)`;
    const htmlAttached = view.msg.attachments.some((a) => a.filename !== '' && /\.(s?html?|xhtml|svg)$/i.test(a.filename));
    if (!htmlAttached) return null;
    const fromDomain = view.msg.from !== null ? addressDomain(view.msg.from.address) : '';
    const elsewhere = view.formActions.filter((u) => fromDomain === '' || !(fromDomain === u.domain || fromDomain.endsWith('.' + u.domain)));
    return elsewhere.length === 0 ? null : `HTML form posting to ${elsewhere[0]!.host}`;
  },
};
