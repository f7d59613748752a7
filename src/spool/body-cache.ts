/**
 * A byte-bounded LRU of recently stored message bodies, so the stages right
 * after ingress (processing, the first delivery attempt) read bytes from
 * memory instead of the database. Purely an optimisation: a miss falls back
 * to the spool, so eviction order never affects correctness. Memory is capped
 * at `maxBytes` whatever the queue size.
 */
export class BodyCache {
  private readonly map = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  set(id: string, body: Buffer): void {
    if (body.length > this.maxBytes / 4) return;
    this.delete(id);
    this.map.set(id, body);
    this.bytes += body.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.length;
    }
  }

  get(id: string): Buffer | undefined {
    const b = this.map.get(id);
    if (b) {
      this.map.delete(id);
      this.map.set(id, b);
    }
    return b;
  }

  delete(id: string): void {
    const b = this.map.get(id);
    if (b) {
      this.map.delete(id);
      this.bytes -= b.length;
    }
  }

  get size(): number {
    return this.bytes;
  }
}
