/**
 * Feedback intake building blocks: reading received bounces, delay warnings
 * and complaints (parseFeedback), and VERP return paths (createVerp).
 * The SMTP listener, spool and reputation wiring live elsewhere.
 */
export { parseFeedback, parseFeedbackFile } from './parse.js';
export { splitMbox, isMbox } from './mbox.js';
export { createVerp, VerpError, type Verp, type VerpOptions, type VerpRef } from './verp.js';
export type {
  BounceReason,
  ComplaintInfo,
  FeedbackFormat,
  FeedbackKind,
  FeedbackRecipient,
  FeedbackReport,
  OriginalMessage,
} from './types.js';
