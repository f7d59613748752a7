/**
 * Which SMTP command a rejection answered, from the report's wording
 * ("in reply to RCPT TO command", ">>> DATA", "after MAIL FROM", "[RCPT_TO]").
 *
 * Why it matters: "user unknown" said in reply to RCPT TO is a statement
 * about the address; said after DATA it is usually a content filter, and
 * suppressing the address would be wrong (classify.ts).
 * Invariants: pure; the last command mentioned wins (transcripts list the
 * dialogue in order, and the failure is at its end).
 * Limits: English transcripts only; undefined when nothing is said.
 */

export type SmtpCommand = 'CONN' | 'HELO' | 'MAIL' | 'RCPT' | 'DATA';

const PATTERNS: ReadonlyArray<readonly [SmtpCommand, RegExp]> = [
  ['CONN', /after initial connection|(?:on|upon) connect(?:ion)?\b|greeting|banner/gi],
  ['HELO', /in reply to (?:HELO|EHLO)|>>> (?:HELO|EHLO)|after (?:HELO|EHLO)|my name was rejected|did not like our (?:HELO|EHLO)/gi],
  ['MAIL', /in reply to MAIL FROM|>>> MAIL From|after MAIL FROM|\[MAIL_FROM\]|sender was rejected|did not like our MAIL FROM|MAIL FROM command/gi],
  ['RCPT', /in reply to RCPT TO|>>> RCPT To|after RCPT TO|after RCPT command|\[RCPT_TO\]|did not like our RCPT TO|most progress was RCPT TO|does not like recipient|following RCPT command|RCPT TO command|rejected recipient/gi],
  ['DATA', /in reply to (?:end of )?DATA|>>> DATA|after (?:end of )?data|did not like our (?:final )?DATA|SMTP command\s*:?\s*DATA\b|DATA command|end of data/gi],
];

export function smtpCommand(text: string): SmtpCommand | undefined {
  let best: { cmd: SmtpCommand; pos: number } | undefined;
  for (const [cmd, re] of PATTERNS) {
    for (const m of text.matchAll(re)) if (!best || m.index! >= best.pos) best = { cmd, pos: m.index! };
  }
  return best?.cmd;
}
