/**
 * Byte-bounded LRUs of what the stages right after ingress read again: the
 * message bodies just stored (processing, the first delivery attempt) and the
 * routing just decided (signature header block and wire MAIL FROM, read by
 * every delivery attempt), so those stages read memory instead of the
 * database — whose reader page cache SQLite resets at every commit of the
 * writer thread, so each such read is several page reads from the WAL.
 * Purely an optimisation: a miss falls back to the spool, so eviction order
 * never affects correctness. Memory is capped at `maxBytes` whatever the
 * queue size; an entry over a quarter of that is not cached.
 */
export class ByteLru<V> {
  private readonly map = new Map<string, V>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (v: V) => number,
  ) {}

  set(id: string, value: V): void {
    const n = this.sizeOf(value);
    if (n > this.maxBytes / 4) return;
    this.delete(id);
    this.map.set(id, value);
    this.bytes += n;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= this.sizeOf(v);
    }
  }

  get(id: string): V | undefined {
    const v = this.map.get(id);
    if (v !== undefined) {
      this.map.delete(id);
      this.map.set(id, v);
    }
    return v;
  }

  delete(id: string): void {
    const v = this.map.get(id);
    if (v !== undefined) {
      this.map.delete(id);
      this.bytes -= this.sizeOf(v);
    }
  }

  get size(): number {
    return this.bytes;
  }
}

export class BodyCache extends ByteLru<Buffer> {
  constructor(maxBytes: number) {
    super(maxBytes, (b) => b.length);
  }
}

/** What a delivery attempt reads besides the body (Spool.readRouting). */
export interface Routing {
  readonly prefix: Buffer | null;
  readonly wireMailFrom: string;
}

export class RoutingCache extends ByteLru<Routing> {
  constructor(maxBytes: number) {
    super(maxBytes, (r) => 64 + (r.prefix?.length ?? 0) + r.wireMailFrom.length);
  }
}
