/**
 * The world benchmark's report: one Markdown page comparing the runs side
 * by side (numbers from analyse.ts), the acceptance checks of issue 8 for
 * each run, and an SVG chart of honest delivery rate over time.
 */
import type { RunResult } from './analyse.js';
import { availableParallelism } from 'node:os';
import { lineChart } from './svg-chart.js';

const cpus = availableParallelism();

const pct = (n: number, d: number): string => (d === 0 ? '–' : `${((100 * n) / d).toFixed(2)} %`);
const s1 = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

export function chartSvg(runs: readonly RunResult[], bucketMs: number): string {
  const xMax = Math.max(...runs.flatMap((r) => r.honest.buckets.map((b) => (b.from + bucketMs) / 1000)), 1);
  const turns = runs[0]?.bad.filter((b) => b.kind === 'compromised').map((b) => ({ x: b.badFrom / 1000, label: b.tenant })) ?? [];
  return lineChart({
    title: 'Honest tenants: delivered / sent, by submission time',
    xLabel: `seconds from start (buckets of ${bucketMs / 1000} s; dashed lines: compromised tenants turn)`,
    yLabel: 'delivery rate (%)',
    xMax, yMin: 0, yMax: 100,
    yFormat: (v) => `${v}`,
    markers: turns,
    series: runs.map((r, i) => ({
      name: r.meta.label,
      color: COLORS[i % COLORS.length]!,
      dashed: i > 0,
      points: r.honest.buckets.filter((b) => b.sent > 0).map((b) => [(b.from + bucketMs / 2) / 1000, (100 * b.delivered) / b.sent] as const),
    })),
  });
}

function row(name: string, cells: string[]): string {
  return `| ${name} | ${cells.join(' | ')} |`;
}

function checks(r: RunResult): Array<[string, boolean, string]> {
  const h = r.honest;
  const listedDefault = r.listings.perIp.filter((p) => p.pool === 'default').length;
  const comp = r.bad.filter((b) => b.kind === 'compromised');
  const within = comp.filter((b) => b.contained && (b.contained.messages <= 200 || b.contained.afterMs <= 60_000)).length;
  const suspended = r.honestHarm.stateChanged.filter((x) => x.to === 'suspended').length + r.honestHarm.refused.length;
  return [
    ['honest delivery ≥ 99.5 %', h.rate >= 0.995, pct(h.delivered, h.sent)],
    ['no honest mail delivered from a listed IP', h.deliveredFromListed === 0, String(h.deliveredFromListed)],
    ['no default-pool IP listed', listedDefault === 0, `${listedDefault} of ${r.listings.defaultTotal}`],
    ['every compromised tenant contained within 200 messages or 60 s', comp.length > 0 && within === comp.length, `${within} of ${comp.length}`],
    ['no honest tenant suspended', suspended === 0, String(suspended)],
    ['newsletters via high-risk ≤ 1 %', r.newsletters.seen === 0 || r.newsletters.viaHighRisk / r.newsletters.seen <= 0.01, pct(r.newsletters.viaHighRisk, r.newsletters.seen)],
  ];
}

export function reportMarkdown(o: { runs: readonly RunResult[]; scenarioFile: string; scenarioName: string; seed: string | number; command: string; chartFile: string; elapsedMs: number; notes: string[] }): string {
  const { runs } = o;
  const head = `| | ${runs.map((r) => r.meta.label).join(' | ')} |\n|---|${runs.map(() => '---:').join('|')}|`;
  const L: string[] = [];
  L.push(`# World benchmark: ${o.scenarioName} (seed ${o.seed})`, '');
  L.push(`Command: \`${o.command}\` — scenario \`${o.scenarioFile}\`, ${new Date().toISOString()}, both runs in ${s1(o.elapsedMs)}.`, '');
  for (const n of o.notes) L.push(`> ${n}`, '');
  L.push('## Honest tenants (transactional and newsletters)', '', head);
  L.push(row('honest tenants', runs.map((r) => String(r.honest.tenants))));
  L.push(row('messages to existing mailboxes (sent)', runs.map((r) => String(r.honest.sent))));
  L.push(row('**delivered / sent**', runs.map((r) => `**${pct(r.honest.delivered, r.honest.sent)}** (${r.honest.delivered})`)));
  L.push(row('deferred at least once by a provider', runs.map((r) => `${r.honest.everDeferred} (${pct(r.honest.everDeferred, r.honest.sent)})`)));
  L.push(row('rejected at least once as listed', runs.map((r) => `${r.honest.everRejectedListed} (${pct(r.honest.everRejectedListed, r.honest.sent)})`)));
  L.push(row('delivered from a listed IP', runs.map((r) => String(r.honest.deliveredFromListed))));
  L.push(row('not accepted by the gateway at submission', runs.map((r) => String(r.honest.refusedAtSubmission))));
  L.push(row('accepted by the gateway, never reached a provider', runs.map((r) => String(r.honest.neverArrived))));
  L.push(row('stale newsletter addresses (not counted above)', runs.map((r) => String(r.honest.staleSent))));
  L.push(row('messages to a recipient after that recipient complained (not counted above)', runs.map((r) => String(r.honest.afterComplaint))));
  L.push('', `![honest delivery rate over time](${o.chartFile})`, '');

  L.push('## Shared IPs', '', head);
  L.push(row('default-pool IPs ever listed', runs.map((r) => `${r.listings.perIp.filter((p) => p.pool === 'default').length} of ${r.listings.defaultTotal}`)));
  L.push(row('default-pool listing time (sum over IPs)', runs.map((r) => s1(1000 * r.listings.perIp.filter((p) => p.pool === 'default').reduce((s, p) => s + p.seconds, 0)))));
  L.push(row('high-risk IPs ever listed', runs.map((r) => String(r.listings.perIp.filter((p) => p.pool === 'high-risk').length))));
  L.push(row('provider deferrals (all mail)', runs.map((r) => String(r.receiverDeferrals))));
  for (const r of runs) {
    if (r.listings.perIp.length === 0) continue;
    L.push('', `${r.meta.label} — listings: ${r.listings.perIp.map((p) => `${p.ip} (${p.pool}) first at ${s1(p.firstAt)}, listed ${p.seconds.toFixed(1)} s in ${p.times} listing(s)`).join('; ')}`);
  }
  L.push('', '## Spam', '', head);
  L.push(row('spam messages planned', runs.map((r) => String(r.spam.planned))));
  L.push(row('spam accepted by providers from default-pool IPs', runs.map((r) => String(r.spam.acceptedDefault))));
  L.push(row('spam accepted by providers from high-risk IPs', runs.map((r) => String(r.spam.acceptedHighRisk))));
  L.push(row('spam that reached providers but was never accepted', runs.map((r) => String(r.spam.deferredOrRejected))));

  L.push('', '## Bad tenants: from the start of the bad behaviour until contained', '');
  L.push('Contained = first of: tenant state throttled / high-risk-only / suspended (gateway event or standing), or a 4.7.x / 5.7.x / 535 reply to its submissions. "Last spam via default" = the last of its bad-phase messages a provider accepted from a default-pool IP (seconds after its change, and its bad messages the gateway had accepted by then).', '');
  for (const r of runs) {
    L.push(`### ${r.meta.label}`, '', '| tenant | kind | bad from | bad msgs accepted by gateway | spam delivered via default / high-risk | contained after (s / msgs) | how | last spam via default (s / msgs) |', '|---|---|---:|---:|---:|---:|---|---:|');
    for (const b of r.bad) {
      L.push(`| ${b.tenant} | ${b.kind} | ${s1(b.badFrom)} | ${b.badAccepted} of ${b.badPlanned} | ${b.spamDeliveredDefault} / ${b.spamDeliveredHighRisk} | ${b.contained ? `${(b.contained.afterMs / 1000).toFixed(1)} / ${b.contained.messages}` : 'not contained'} | ${b.contained?.how ?? '–'} | ${b.lastDefault ? `${(b.lastDefault.afterMs / 1000).toFixed(1)} / ${b.lastDefault.messages}` : 'none'} |`);
    }
    const cs = r.bad.filter((b) => b.kind === 'compromised' && b.contained).map((b) => b.contained!);
    if (cs.length) {
      const sec = cs.map((c) => c.afterMs / 1000).sort((a, b) => a - b);
      const msg = cs.map((c) => c.messages).sort((a, b) => a - b);
      L.push('', `Compromised tenants contained: ${cs.length}; seconds min/median/max ${sec[0]!.toFixed(1)} / ${sec[Math.floor(sec.length / 2)]!.toFixed(1)} / ${sec.at(-1)!.toFixed(1)}; messages ${msg[0]} / ${msg[Math.floor(msg.length / 2)]} / ${msg.at(-1)}.`);
    }
    L.push('');
  }

  L.push('## Honest tenants wrongly restricted', '', head);
  L.push(row('throttled at submission (4.7.x), tenants', runs.map((r) => `${r.honestHarm.throttled.length}${r.honestHarm.throttled.length ? ` (${r.honestHarm.throttled.join(', ')})` : ''}`)));
  L.push(row('refused at submission (5.7.x / 535), tenants', runs.map((r) => `${r.honestHarm.refused.length}${r.honestHarm.refused.length ? ` (${r.honestHarm.refused.join(', ')})` : ''}`)));
  L.push(row('a recipient refused as suppressed (it bounced or complained before), tenants — not a restriction', runs.map((r) => `${r.honestHarm.suppressedRecipients.length}${r.honestHarm.suppressedRecipients.length ? ` (${r.honestHarm.suppressedRecipients.join(', ')})` : ''}`)));
  L.push(row('state changed by the gateway (not normal)', runs.map((r) => `${r.honestHarm.stateChanged.length}${r.honestHarm.stateChanged.length ? ` (${r.honestHarm.stateChanged.map((x) => `${x.tenant}→${x.to}`).join(', ')})` : ''}`)));
  L.push(row('quarantined messages (gateway view)', runs.map((r) => String(r.honestHarm.quarantined.reduce((s, x) => s + x.messages, 0)))));
  L.push(row('tenants with mail seen from high-risk IPs', runs.map((r) => `${r.honestHarm.routedHighRisk.length} (${r.honestHarm.routedHighRisk.reduce((s, x) => s + x.messages, 0)} msgs)`)));
  L.push(row('newsletter messages via high-risk IPs', runs.map((r) => `${r.newsletters.viaHighRisk} of ${r.newsletters.seen} (${pct(r.newsletters.viaHighRisk, r.newsletters.seen)})`)));

  L.push('', '## Feedback and bounces', '', head);
  L.push(row('ARF complaints sent by providers', runs.map((r) => String(r.feedback.arf))));
  L.push(row('DSNs sent by providers (accepted, then unknown)', runs.map((r) => String(r.feedback.dsn))));
  L.push(row('reports accepted where they were addressed', runs.map((r) => String(r.feedback.sentOk))));
  L.push(row('… of them DSNs that reached the tenant (envelope sender is the tenant, no VERP)', runs.map((r) => String(r.feedback.providerDsnsToTenants))));
  L.push(row('feedback address (platform MX) served by', runs.map((r) => (r.meta.feedbackIntake ? 'the gateway intake' : 'world stand-in (no intake in this gateway)'))));
  L.push(row('bounces the gateway sent to its tenants', runs.map((r) => String(r.feedback.gatewayBounces))));

  L.push('', '## Issue 8 acceptance checks', '', head);
  const cs = runs.map(checks);
  cs[0]!.forEach(([name], i) => L.push(row(name, cs.map((c) => `${c[i]![1] ? 'met' : 'not met'} (${c[i]![2]})`))));
  L.push('', '## Runs', '');
  for (const r of runs) {
    const q = r.meta.queueAtEnd;
    const left = Object.entries(q.recipients).filter(([k]) => k !== 'delivered').map(([k, n]) => `${n} ${k}`).join(', ');
    L.push(`- ${r.meta.label} (\`${r.meta.run}\`): started ${r.meta.startedAt}, sending phase ${s1(r.meta.sendingMs)}, total ${s1(r.meta.totalMs)}, queue ${r.meta.drained ? 'drained' : 'NOT drained (still-queued mail counts as not delivered)'}; recipients at the end: ${q.recipients['delivered'] ?? 0} delivered${left ? `, ${left}` : ''}. Submission: gateway reply time p50 ${r.submission.attemptP50} ms / p95 ${r.submission.attemptP95} ms; final 250 behind plan p50 ${s1(r.submission.lagP50)} / p95 ${s1(r.submission.lagP95)}. Machine load average (1 min) ${r.meta.loadAverage[0]} → ${r.meta.loadAverage[1]} on ${cpus} cores.`);
  }
  L.push('');
  return L.join('\n');
}
