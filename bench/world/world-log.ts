/**
 * JSON-lines logs of the world (receivers, submissions, events): buffered
 * appends to a file, flushed on close. Also the reader the analysis uses.
 */
import { createWriteStream, readFileSync, existsSync, type WriteStream } from 'node:fs';

export class JsonlLog<T extends object = Record<string, unknown>> {
  private readonly out: WriteStream;
  count = 0;
  constructor(
    readonly file: string,
    /** Sees every entry as it is written (the run keeps a few facts in memory). */
    private readonly tap?: (entry: T) => void,
  ) {
    this.out = createWriteStream(file, { flags: 'a' });
  }
  write(entry: T): void {
    this.count++;
    this.tap?.(entry);
    this.out.write(JSON.stringify(entry) + '\n');
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(() => resolve()));
  }
}

export function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
