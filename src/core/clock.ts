/**
 * Time as an injected dependency. Production uses the system clock; tests use
 * a FakeClock they advance by hand, so windows, retries and cool-downs can be
 * tested without sleeping. Times are milliseconds since the Unix epoch.
 */

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class FakeClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}
