/**
 * npm run bench:world [-- --scenario FILE] [--runs a,b] [--out DIR]
 *
 * Expands the scenario into one plan (seeded), runs it against each
 * configured gateway mode in turn (default: Outpost's default policy, then a
 * plain relay), analyses the providers' logs and writes report.md and
 * chart.svg (plus every run's logs) to bench/results/world-<name>-<time>/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { analyseRun, type RunResult } from './analyse.js';
import { loadWorldCorpus } from './corpus.js';
import { makePlan } from './plan.js';
import { chartSvg, reportMarkdown } from './report.js';
import { runWorld } from './run.js';
import { loadScenario, ScenarioError } from './scenario.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const file = resolve(arg('scenario') ?? join(ROOT, 'bench/scenarios/default.yaml'));
  let scenario;
  try {
    scenario = loadScenario(file);
  } catch (e) {
    if (e instanceof ScenarioError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const only = arg('runs')?.split(',');
  const runs = scenario.runs.filter((r) => !only || only.includes(r.name));
  if (runs.length === 0) {
    console.error(`no run named ${only?.join(', ')} in ${file} (have: ${scenario.runs.map((r) => r.name).join(', ')})`);
    return 2;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  // --reanalyse DIR: read the logs of an earlier run again and rewrite its report (no gateway, no sending).
  const again = arg('reanalyse');
  const out = resolve(again ?? arg('out') ?? join(ROOT, 'bench/results', `world-${scenario.name}-${stamp}`));
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const corpus = again ? undefined : loadWorldCorpus(scenario.submission.maxMessageBytes);
  const plan = makePlan(scenario);
  const count = (k: string): number => plan.tenants.filter((t) => t.kind === k).length;
  console.log(`world ${scenario.name}: seed ${scenario.seed}, ${plan.tenants.length} tenants (${count('transactional')} transactional, ${count('newsletter')} newsletters, ${count('compromised')} compromised, ${count('spammer')} spammers), ${plan.submissions.length} messages, ${scenario.receivers.length} providers`);
  const results: RunResult[] = [];
  for (const run of runs) {
    console.log(`run ${run.name}: ${run.label ?? ''}`);
    if (corpus) await runWorld({ scenario, run, plan, corpus, dir: join(out, run.name), progress: (l) => console.log(l) });
    const r = analyseRun(join(out, run.name), scenario.bucket);
    results.push(r);
    console.log(`  ${run.name}: honest delivered ${r.honest.delivered}/${r.honest.sent} (${((100 * r.honest.delivered) / Math.max(1, r.honest.sent)).toFixed(2)} %), default IPs listed ${r.listings.perIp.filter((p) => p.pool === 'default').length}/${r.listings.defaultTotal}, spam via default ${r.spam.acceptedDefault}, via high-risk ${r.spam.acceptedHighRisk}`);
  }
  const elapsedMs = performance.now() - t0;
  const notes: string[] = [];
  const anyContainment = results.some((r) => r.bad.some((b) => b.contained));
  if (!anyContainment) notes.push('No run showed a containment signal (no tenant-state-changed event, no non-normal standing, no 4.7.x/5.7.x reply to a submission): the gateway under test has no reputation engine / tenant state machine wired in. Per-message routing by the scanner is all that separates the runs.');
  if (results.some((r) => !r.meta.feedbackIntake)) notes.push('The gateway had no feedback intake listening on the scenario\'s feedback address: complaints and DSNs went to the world\'s stand-in, which only records them.');
  notes.push("The gateway's shipped scanner model was trained on the same SpamAssassin corpus the tenants' mail is drawn from, so per-message routing by scanner class is optimistic here.");
  const chartFile = 'chart.svg';
  writeFileSync(join(out, chartFile), chartSvg(results, scenario.bucket));
  const command = `npm run bench:world${arg('scenario') ? ` -- --scenario ${relative(ROOT, file)}` : ''}`;
  const md = reportMarkdown({ runs: results, scenarioFile: relative(ROOT, file), scenarioName: scenario.name, seed: scenario.seed, command, chartFile, elapsedMs, notes });
  writeFileSync(join(out, 'report.md'), md);
  console.log(`report: ${join(out, 'report.md')} (${(elapsedMs / 1000).toFixed(1)} s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
