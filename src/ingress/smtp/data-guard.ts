/**
 * Guards the DATA stream of a submission. smtp-server has already removed
 * dot-stuffing and found the CRLF.CRLF terminator; this collects the bytes,
 * enforces the size limit, and detects what SMTP smuggling relies on: bare LF,
 * bare CR and NUL. A message containing any of them is rejected whole, so a
 * sequence such as "\n.\n" or "\r\n\x00.\r\n" can never become the end of one
 * message and the start of another, here or at a downstream receiver.
 * (Postfix calls this smtpd_forbid_bare_newline.)
 */

export type DataProblem = 'bare-lf' | 'bare-cr' | 'nul' | 'too-big';

export class DataGuard {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private prevCr = false;
  problem: DataProblem | null = null;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.problem) return;
    if (this.size > this.maxBytes) {
      this.problem = 'too-big';
      this.chunks.length = 0;
      return;
    }
    this.problem = scan(chunk, this.prevCr);
    this.prevCr = chunk.length > 0 && chunk[chunk.length - 1] === 0x0d;
    if (!this.problem) this.chunks.push(chunk);
  }

  /** Call at the end of the stream: a message may not end in a lone CR. */
  finish(): Buffer | null {
    if (!this.problem && this.prevCr) this.problem = 'bare-cr';
    if (this.problem) return null;
    return Buffer.concat(this.chunks, this.size);
  }

  get bytes(): number {
    return this.size;
  }
}

function scan(b: Buffer, prevCr: boolean): DataProblem | null {
  if (b.indexOf(0) >= 0) return 'nul';
  let i = b.indexOf(0x0a);
  while (i >= 0) {
    const before = i === 0 ? prevCr : b[i - 1] === 0x0d;
    if (!before) return 'bare-lf';
    i = b.indexOf(0x0a, i + 1);
  }
  i = b.indexOf(0x0d);
  while (i >= 0) {
    if (i + 1 < b.length && b[i + 1] !== 0x0a) return 'bare-cr';
    i = b.indexOf(0x0d, i + 1);
  }
  return null;
}
