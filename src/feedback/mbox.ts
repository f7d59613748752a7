/**
 * Saved reports often come as mbox files (one or many messages, each
 * introduced by a "From sender date" postmark line). This splits them.
 *
 * Invariants: input without a postmark on its first line is one message
 * and is returned unchanged; postmark lines are removed; mboxrd quoting
 * (">From " at line start, any number of '>') is undone by one level.
 * Limits: a postmark is recognised by its shape ("From " + address-ish
 * token + a ctime date); mboxo files (ambiguous "From " quoting) are read
 * as if they were mboxrd.
 */

const POSTMARK = /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d(?::\d\d)? (?:[A-Z]{2,5} )?\d{4}\s*$/;

export function isMbox(raw: Buffer): boolean {
  const nl = raw.indexOf(10);
  const first = raw.subarray(0, nl < 0 ? raw.length : nl).toString('latin1');
  return POSTMARK.test(first.replace(/\r$/, ''));
}

export function splitMbox(raw: Buffer): Buffer[] {
  if (!isMbox(raw)) return [raw];
  const text = raw.toString('latin1');
  const lines = text.split('\n');
  const messages: string[][] = [];
  let cur: string[] | null = null;
  let prevBlank = true;
  for (const line of lines) {
    const l = line.replace(/\r$/, '');
    if (prevBlank && POSTMARK.test(l)) {
      cur = [];
      messages.push(cur);
      prevBlank = false;
      continue;
    }
    cur?.push(/^>+From /.test(line) ? line.slice(1) : line);
    prevBlank = l === '';
  }
  return messages.map((m) => Buffer.from(m.join('\n'), 'latin1')).filter((b) => b.toString('latin1').trim().length > 0);
}
