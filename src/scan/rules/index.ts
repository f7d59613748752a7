/**
 * The explainable rules, in the order their reasons are reported. The URI
 * blocklist rule is asynchronous and lives in ../uribl.ts; adapters live in
 * ../adapters/.
 */
import type { Rule } from './rule.js';
import { brandImpersonation } from './brand-impersonation.js';
import { credentialForm } from './credential-form.js';
import { dateForged, dateMissing, dateStale } from './date-header.js';
import { encryptedArchive } from './encrypted-archive.js';
import { excessiveRecipients } from './excessive-recipients.js';
import { executableAttachment } from './executable-attachment.js';
import { hiddenText } from './hidden-text.js';
import { htmlAttachment } from './html-attachment.js';
import { htmlOnlyLittleText } from './html-only-little-text.js';
import { linkTextMismatch } from './link-text-mismatch.js';
import { lookalikeDomain } from './lookalike-domain.js';
import { messageIdForged, messageIdMissing } from './message-id.js';
import { unparseable } from './unparseable.js';
import { urlIpLiteral } from './url-ip-literal.js';
import { urlShortener } from './url-shortener.js';
import { urlUserinfo } from './url-userinfo.js';

export type { Rule, RuleInput } from './rule.js';

export const RULES: readonly Rule[] = [
  unparseable,
  executableAttachment,
  encryptedArchive,
  htmlAttachment,
  credentialForm,
  brandImpersonation,
  lookalikeDomain,
  linkTextMismatch,
  urlIpLiteral,
  urlUserinfo,
  urlShortener,
  htmlOnlyLittleText,
  hiddenText,
  dateMissing,
  dateForged,
  dateStale,
  messageIdMissing,
  messageIdForged,
  excessiveRecipients,
];
