/**
 * The `outpost` command. Each subcommand uses the same stores and functions
 * as the gateway (TenantStore, Spool, PoolRegistry) — never a second
 * implementation — so it works against a running gateway's data directory
 * (SQLite WAL lets the CLI and the gateway share it) or a stopped one.
 * Errors print one line `outpost: …` and exit non-zero; no stack traces.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { TenantError } from '../tenants/store.js';
import { PoolError } from '../pools/registry.js';
import { SpoolError } from '../spool/spool.js';
import { startGateway } from '../gateway.js';
import { youngGenerationHint } from '../core/heap.js';
import { tenantCommand } from './tenant.js';
import { messageCommand, queueCommand } from './queue.js';
import { poolCommand } from './pool.js';
import { dkimCommand } from './dkim.js';
import { quarantineCommand } from './quarantine.js';
import { policyCommand } from './policy.js';
import { limitsCommand } from './limits.js';
import { PolicyError } from '../policy/action.js';
import { feedbackCommand } from './feedback.js';
import { suppressionCommand } from './suppression.js';
import { KeyStoreError, SignError } from '../sign/index.js';
import { scanCommand } from '../scan/index.js';
import { CliError, processIo, type Io } from './io.js';
import { adminCommand, eventsCommand } from './admin.js';
import { ServiceError } from '../admin/errors.js';

export const USAGE = `usage: outpost <command> [options]

  start [--config FILE]                      run the gateway (defaults: SMTP 127.0.0.1:2587/2465, HTTP 127.0.0.1:8025, state in ./var)
  config check [--config FILE]               validate a configuration file and print the effective settings
  tenant add NAME --domain D [--domain D…]   create a tenant with its verified sender domains
  tenant list | show NAME | disable NAME | enable NAME
  tenant domain add|remove NAME DOMAIN
  tenant credentials NAME [--api | --smtp [--user U]]   new SMTP password (default) or API key, printed once
  tenant reputation NAME                     standing, figures per window, thresholds and recent transitions with evidence
  tenant reinstate NAME [--reason R] | tenant suspend NAME --reason R   operator standing changes
  message show ID                            a message with its recipients and event history
  queue                                      counts per state, destination and pool
  queue retry ID | queue delete ID           retry a queued message now, or delete it from the queue
  queue list [--tenant T] [--rcpt A] [--state S] [--destination D] [--limit N]   search messages, newest first
  pool list | pool show IP                   each pool IP: in or out of rotation and why (DNSBL, warm-up, blocks)
  pool disable IP [--reason R] | pool enable IP
  dkim generate DOMAIN [--selector S] [--algo rsa2048|ed25519]   new DKIM key; prints the TXT record to publish
  dkim list | dkim check DOMAIN              stored keys; whether DOMAIN's published record matches its key
  dkim rotate DOMAIN [--selector S] [--algo A] [--grace 7d]   pending key on a new selector; active once its record is seen
  dkim rotate DOMAIN --check                 activate the pending key if its record is published; retire old keys
  feedback import FILE…                      feed saved bounces/ARF reports (.eml or mbox) through the feedback intake
  feedback list [--outcome O] | show ID [--raw]   stored reports (unattributed ones keep their bytes)
  suppression list|export TENANT | add|remove TENANT ADDRESS | import TENANT FILE   per-tenant suppression list (CSV)
  admin token create NAME | token list | token revoke ID   operator tokens for the admin API (printed once)
  events [--tenant T] [--type a,b] [--limit N]   recent platform events, newest first
  scan FILE… | - [--explain]                 scan messages with the gateway's scanner: one JSON verdict per message
  scan train --corpus DIR|stdlib --out FILE  retrain the scanner's model
  policy show [TENANT] | set TENANT CLASS=ACTION… | reset TENANT [CLASS]   routing per scanner class (tenant policy NAME … too)
  quarantine list|show|release|delete [ID… | --all] [--tenant T] [--class C] [--older-than D] [--force-pool P]
  limits show TENANT | set TENANT KEY=VALUE… | reset TENANT | blocks        sending limits (tenant limits NAME … too)
  tenant unblock NAME [--user U]             lift a tenant's (or one user's) limit block

Every command takes --config FILE (to find dataDir) and --json for machine-readable output where it prints data.`;

function configFrom(file: string | undefined): Config {
  return loadConfig(file);
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'start':
        return await start(rest, io);
      case 'config':
        return configCheck(rest, io);
      case 'tenant':
        return await tenantCommand(rest, io, configFrom);
      case 'message':
        return await messageCommand(rest, io, configFrom);
      case 'queue':
        return await queueCommand(rest, io, configFrom);
      case 'pool':
        return await poolCommand(rest, io, configFrom);
      case 'dkim':
        return await dkimCommand(rest, io, configFrom);
      case 'quarantine':
        return await quarantineCommand(rest, io, configFrom);
      case 'policy':
        return await policyCommand(rest, io, configFrom);
      case 'limits':
        return await limitsCommand(rest, io, configFrom);
      case 'feedback':
        return await feedbackCommand(rest, io, configFrom);
      case 'suppression':
        return await suppressionCommand(rest, io, configFrom);
      case 'admin':
        return await adminCommand(rest, io, configFrom);
      case 'events':
        return await eventsCommand(rest, io, configFrom);
      case 'scan':
        return await scanCommand(rest, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        io.err(`outpost: unknown command "${cmd}"\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) io.err(`outpost: ${p}`);
      return 2;
    }
    if (e instanceof CliError || e instanceof ServiceError || e instanceof TenantError || e instanceof PoolError || e instanceof SpoolError || e instanceof KeyStoreError || e instanceof SignError || e instanceof PolicyError) {
      io.err(`outpost: ${e.message}`);
      return e instanceof CliError ? e.exitCode : 1;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`outpost: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function configCheck(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string' } }, allowPositionals: true });
  if (positionals[0] !== 'check') throw new CliError('usage: outpost config check [--config FILE]');
  const c = configFrom(values.config);
  io.out(JSON.stringify(c, null, 2));
  return 0;
}

async function start(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  const config = configFrom(values.config);
  let gw;
  try {
    gw = await startGateway({ config });
    const hint = youngGenerationHint();
    if (hint) io.err(`outpost: note: ${hint}`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      throw new CliError(`cannot listen on ${err.address ?? '?'}:${err.port ?? '?'}: ${err.code}`, 1);
    }
    throw e;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (sig: string): void => {
      io.err(`outpost: ${sig} received, stopping`);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void gw.stop().then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}
