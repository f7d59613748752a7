/**
 * Extracting mailbox addresses from address header fields (From, Sender,
 * To…) as RFC 5322 writes them: display names, quoted strings, comments,
 * groups. Uses nodemailer's address parser (addressparser), which is
 * maintained and forgiving; we only keep what has a local part and a domain.
 */
import addressparser from 'nodemailer/lib/addressparser';

export interface Mailbox {
  readonly name: string;
  readonly address: string;
}

interface Parsed {
  name: string;
  address?: string;
  group?: Parsed[];
}

export function parseMailboxes(value: string): Mailbox[] {
  const out: Mailbox[] = [];
  const walk = (list: Parsed[]): void => {
    for (const p of list) {
      if (p.group) walk(p.group);
      else if (p.address && p.address.includes('@')) out.push({ name: p.name ?? '', address: p.address });
    }
  };
  walk(addressparser(value) as Parsed[]);
  return out;
}
