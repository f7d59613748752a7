/**
 * Feeding saved reports through the intake (`outpost feedback import`): a
 * file is one message (.eml) or an mbox of several; each message goes
 * through exactly the code the SMTP listener uses, with source 'import'.
 * Without an SMTP envelope, VERP tokens are read from the returned
 * original's Return-Path (and ARF Original-Mail-From).
 */
import type { Intake, IntakeResult } from './intake.js';
import { splitMbox } from './mbox.js';

export async function importFeedback(intake: Intake, raw: Buffer): Promise<IntakeResult[]> {
  const out: IntakeResult[] = [];
  for (const m of splitMbox(raw)) out.push(await intake.handle({ raw: m, source: 'import' }));
  return out;
}
