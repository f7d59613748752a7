/**
 * Peeks into ZIP archives from the decoded head of an attachment: entry names
 * and the "encrypted" flag of each local file header.
 *
 * Invariants: never throws; reads at most 64 entries and never past the head.
 * Limits: only ZIP (incl. .docm/.xlsm which are ZIPs); RAR and 7z encryption is
 * not detected; entries beyond the decoded head are not seen.
 */

export interface ZipPeek {
  readonly names: string[];
  readonly encrypted: boolean;
}

export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

export function peekZip(head: Buffer): ZipPeek {
  const names: string[] = [];
  let encrypted = false;
  let p = 0;
  while (p + 30 <= head.length && names.length < 64) {
    if (head.readUInt32LE(p) !== 0x04034b50) break;
    const flags = head.readUInt16LE(p + 6);
    const compressed = head.readUInt32LE(p + 18);
    const nameLen = head.readUInt16LE(p + 26);
    const extraLen = head.readUInt16LE(p + 28);
    if (p + 30 + nameLen > head.length) break;
    names.push(head.toString('utf8', p + 30, p + 30 + nameLen));
    if ((flags & 1) !== 0) encrypted = true;
    if ((flags & 8) !== 0 && compressed === 0) break; // sizes in a data descriptor: cannot skip
    p += 30 + nameLen + extraLen + compressed;
  }
  return { names, encrypted };
}
