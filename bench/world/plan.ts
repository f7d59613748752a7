/**
 * Expands a scenario into a plan: the tenants (id, domain, kind, when a
 * compromised one turns) and every submission (when, to whom, spam or ham,
 * which corpus message), all drawn from the seeded PRNG, so the same scenario
 * and seed give the same plan in both runs and on every machine. Recipients
 * are one per message; unknown addresses are unique per message (so a reply
 * at RCPT can be tied to its label).
 */
import { Prng } from './prng.js';
import { mailboxAddress } from './receiver.js';
import type { Label, TenantKind } from './labels.js';
import type { Scenario } from './scenario.js';
import type { CorpusGroup } from './corpus.js';

export interface PlannedTenant {
  readonly id: string;
  readonly kind: TenantKind;
  readonly domain: string;
  readonly from: string;
  /** Compromised tenants: when the spam starts (ms); spammers: when they start. */
  readonly badFrom?: number;
  /** Submission connections to the gateway. */
  readonly connections: number;
  /** Newsletters: List-Id. */
  readonly listId?: string;
}

export interface Submission extends Label {
  readonly seq: number;
  readonly group: CorpusGroup;
  /** Index into the group (taken modulo its size). */
  readonly index: number;
  /** Newsletter issue headers apply. */
  readonly bulk: boolean;
}

export interface Plan {
  readonly tenants: PlannedTenant[];
  readonly submissions: Submission[];
}

export function makePlan(s: Scenario): Plan {
  const root = new Prng(s.seed);
  const rcv = s.receivers;
  const weights = rcv.map((r) => r.share);
  const tenants: PlannedTenant[] = [];
  const subs: Array<Omit<Submission, 'seq' | 'mid'>> = [];
  const prefixes: Record<TenantKind, string> = { transactional: 'tx', newsletter: 'nl', compromised: 'cp', spammer: 'sp' };
  const counters: Record<TenantKind, number> = { transactional: 0, newsletter: 0, compromised: 0, spammer: 0 };

  s.tenants.forEach((g, gi) => {
    for (let k = 0; k < g.count; k++) {
      const id = `${prefixes[g.kind]}-${String(++counters[g.kind]).padStart(2, '0')}`;
      const r = root.fork(`tenant/${gi}/${k}`);
      const domain = `${id}.tenants.world.test`;
      const from = g.kind === 'newsletter' ? `news@${domain}` : `notify@${domain}`;
      const valid = (): string => {
        const i = r.weighted(weights);
        return mailboxAddress(rcv[i]!.domain, r.int(1, rcv[i]!.mailboxes));
      };
      const unknown = (): string => `x${r.token(12)}@${rcv[r.weighted(weights)]!.domain}`;
      const add = (at: number, spam: boolean, phase: 'honest' | 'bad', rcpt: string, ok: boolean, groups: readonly CorpusGroup[], index?: number, bulk = false): void => {
        subs.push({ tenant: id, kind: g.kind, spam, phase, rcpt, valid: ok, at: Math.round(at), group: r.pick(groups), index: index ?? r.int(0, 1_000_000), bulk });
      };
      const poisson = (from: number, to: number, rate: number, f: (at: number) => void): void => {
        for (let t = from + r.gapMs(rate); t < to; t += r.gapMs(rate)) f(t);
      };
      switch (g.kind) {
        case 'transactional':
          tenants.push({ id, kind: g.kind, domain, from, connections: 1 });
          poisson(0, s.duration, g.rate, (t) => add(t, false, 'honest', valid(), true, g.content));
          break;
        case 'newsletter': {
          const listId = `<weekly.${domain}>`;
          tenants.push({ id, kind: g.kind, domain, from, connections: 4, listId });
          const list = Array.from({ length: g.listSize }, () => (r.chance(g.staleShare) ? { a: unknown(), ok: false } : { a: valid(), ok: true }));
          const burstMs = (g.listSize / g.burstRate) * 1000;
          for (let b = 0; b < g.bursts; b++) {
            const start = r.next() * Math.max(0, s.duration - burstMs);
            const group = r.pick(g.content);
            const index = r.int(0, 1_000_000);
            r.shuffle([...list]).forEach((x, i) => add(start + (i * 1000) / g.burstRate, false, 'honest', x.a, x.ok, [group], index, true));
          }
          break;
        }
        case 'compromised': {
          const turn = Array.isArray(g.turnAt) ? g.turnAt[0] + r.next() * (g.turnAt[1] - g.turnAt[0]) : g.turnAt;
          tenants.push({ id, kind: g.kind, domain, from, connections: 4, badFrom: Math.round(turn) });
          poisson(0, s.duration, g.rate, (t) => add(t, false, t < turn ? 'honest' : 'bad', valid(), true, g.content));
          poisson(turn, Math.min(s.duration, turn + g.spamFor), g.spamRate, (t) => {
            const bad = r.chance(g.unknownShare);
            add(t, true, 'bad', bad ? unknown() : valid(), !bad, g.spamContent);
          });
          break;
        }
        case 'spammer':
          tenants.push({ id, kind: g.kind, domain, from, connections: 2, badFrom: g.startAt });
          poisson(g.startAt, s.duration, g.rate, (t) => {
            const spam = r.chance(g.spamShare);
            const bad = spam && r.chance(g.unknownShare);
            add(t, spam, 'bad', bad ? unknown() : valid(), !bad, spam ? g.spamContent : g.content);
          });
          break;
      }
    }
  });
  subs.sort((a, b) => a.at - b.at || a.tenant.localeCompare(b.tenant));
  const seedTag = String(s.seed).replace(/[^A-Za-z0-9]/g, '').slice(0, 12) || 's';
  const submissions = subs.map((x, seq) => ({ ...x, seq, mid: `w${seedTag}.${seq}@${tenants.find((t) => t.id === x.tenant)!.domain}` }));
  return { tenants, submissions };
}
