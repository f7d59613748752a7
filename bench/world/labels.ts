/**
 * The label side channel: ground truth about every planned message (spam or
 * ham, which tenant, which phase), written by the generator to a JSON-lines
 * file keyed by Message-ID before the message is submitted. Receivers read
 * it to keep their per-IP reputation; the gateway never sees it, and nothing
 * in the message itself says what it is.
 *
 * LabelReader reads the file incrementally: a miss re-reads whatever was
 * appended since the last read, so labels written while the world runs are
 * found. Message-IDs are compared without angle brackets, case-insensitively.
 * A recipient address that belongs to one message only (unknown recipients
 * are generated unique per tenant) can also be looked up, for replies that
 * come before DATA and so before the Message-ID is known.
 */
import { appendFileSync, closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type TenantKind = 'transactional' | 'newsletter' | 'compromised' | 'spammer';

export interface Label {
  /** Message-ID without angle brackets. */
  readonly mid: string;
  readonly tenant: string;
  readonly kind: TenantKind;
  readonly spam: boolean;
  /** 'bad' once a compromised tenant has turned, and for every spammer message. */
  readonly phase: 'honest' | 'bad';
  readonly rcpt: string;
  /** Does the recipient's mailbox exist? */
  readonly valid: boolean;
  /** Planned submission time, ms from the start of the run. */
  readonly at: number;
}

export function normMid(mid: string): string {
  return mid.trim().replace(/^<|>$/g, '').toLowerCase();
}

export class LabelWriter {
  constructor(readonly file: string) {}
  write(labels: readonly Label[]): void {
    if (labels.length === 0) return;
    appendFileSync(this.file, labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
}

export class LabelReader {
  private readonly byMid = new Map<string, Label>();
  private readonly byRcpt = new Map<string, Label | null>();
  private offset = 0;
  private partial = '';

  constructor(readonly file: string) {}

  /** The label of a Message-ID, or undefined when the generator wrote none. */
  get(mid: string): Label | undefined {
    const k = normMid(mid);
    let l = this.byMid.get(k);
    if (!l) {
      this.refresh();
      l = this.byMid.get(k);
    }
    return l;
  }

  /** The label of the only message sent to this address; undefined when none or several. */
  forRecipient(rcpt: string): Label | undefined {
    const k = rcpt.toLowerCase();
    if (!this.byRcpt.has(k)) this.refresh();
    return this.byRcpt.get(k) ?? undefined;
  }

  get size(): number {
    return this.byMid.size;
  }

  private refresh(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const l = JSON.parse(line) as Label;
        const k = normMid(l.mid);
        this.byMid.set(k, { ...l, mid: k });
        const r = l.rcpt.toLowerCase();
        this.byRcpt.set(r, this.byRcpt.has(r) ? null : l);
      }
    } finally {
      closeSync(fd);
    }
  }
}
