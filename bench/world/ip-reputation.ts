/**
 * A receiver's memory of each source IP: the messages it accepted from the
 * IP in a sliding window, how many of them were spam (by the side-channel
 * label), and whether the IP is being deferred. When the window holds at
 * least `minMessages` and the spam share passes `spamShare`, the IP is
 * deferred for `deferFor` and `tripped` is returned so the receiver can
 * report it to the block list. Time is passed in (ms), so tests need no clock.
 *
 * Limits: only accepted messages count (what users would see); deferred and
 * rejected ones teach nothing, as at a real provider.
 */

export interface IpReputationOptions {
  readonly window: number;
  readonly minMessages: number;
  readonly spamShare: number;
  readonly deferFor: number;
}

interface IpState {
  /** Accepted messages in the window: [time, spam]. */
  events: Array<[number, boolean]>;
  spam: number;
  deferUntil: number;
}

export interface IpVerdict {
  readonly total: number;
  readonly spam: number;
  readonly share: number;
}

export class IpReputation {
  private readonly ips = new Map<string, IpState>();

  constructor(readonly o: IpReputationOptions) {}

  private state(ip: string): IpState {
    let s = this.ips.get(ip);
    if (!s) this.ips.set(ip, (s = { events: [], spam: 0, deferUntil: 0 }));
    return s;
  }

  private expire(s: IpState, now: number): void {
    const from = now - this.o.window;
    let i = 0;
    while (i < s.events.length && s.events[i]![0] <= from) {
      if (s.events[i]![1]) s.spam--;
      i++;
    }
    if (i > 0) s.events.splice(0, i);
  }

  /** Is the IP being deferred at `now`? */
  deferred(ip: string, now: number): boolean {
    return (this.ips.get(ip)?.deferUntil ?? 0) > now;
  }

  /** Records one accepted message; returns the window's figures when this message tripped the threshold. */
  accepted(ip: string, spam: boolean, now: number): IpVerdict | undefined {
    const s = this.state(ip);
    this.expire(s, now);
    s.events.push([now, spam]);
    if (spam) s.spam++;
    const total = s.events.length;
    const share = s.spam / total;
    if (total >= this.o.minMessages && share > this.o.spamShare && s.deferUntil <= now) {
      s.deferUntil = now + this.o.deferFor;
      return { total, spam: s.spam, share };
    }
    return undefined;
  }

  /** The window's figures for an IP at `now`. */
  figures(ip: string, now: number): IpVerdict {
    const s = this.state(ip);
    this.expire(s, now);
    const total = s.events.length;
    return { total, spam: s.spam, share: total ? s.spam / total : 0 };
  }
}
