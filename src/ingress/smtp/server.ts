/**
 * SMTP submission (RFC 6409) on smtp-server: AUTH PLAIN/LOGIN, then mail from
 * the tenant's verified domains only, handed to cleanup. A message gets its
 * 250 only after cleanup has it on disk.
 *
 * Rules enforced here: no AUTH over plain text (except loopback clients when
 * the config allows it), no MAIL without AUTH (530) so there is no relay,
 * failed-AUTH throttling per client IP and per username, connection caps per
 * client IP and per tenant, recipients per message, message size, and the
 * DataGuard's bare CR/LF/NUL rejection (SMTP smuggling).
 * smtp-server's automatic enhanced codes are turned off because it maps 550
 * to 5.1.1 whatever the cause; every reply here carries its own RFC 3463 code.
 */
import { batchReplies } from './reply-batching.js';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import type { Clock } from '../../core/clock.js';
import { isLoopback } from '../../core/net.js';
import { parseAddress } from '../../core/address.js';
import { SmtpError } from '../../core/smtp-reply.js';
import type { Cleanup } from '../../cleanup/cleanup.js';
import type { Logger } from '../../log/logger.js';
import type { Principal } from '../../tenants/store.js';
import { ConcurrencyLimit, FailureThrottle } from '../limits.js';
import { DataGuard } from './data-guard.js';
import type { FlowGate } from '../flow.js';

export interface SubmissionLimits {
  readonly maxMessageBytes: number;
  readonly maxRecipients: number;
  readonly maxClients: number;
  readonly maxConnectionsPerTenant: number;
  readonly maxConnectionsPerIp: number;
  readonly allowPlainAuthOnLoopback: boolean;
  readonly authFailures: { readonly max: number; readonly window: number; readonly lockout: number };
  readonly socketTimeout: number;
}

export interface SubmissionServerOptions {
  readonly hostname: string;
  readonly implicitTls: boolean;
  readonly tls: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly limits: SubmissionLimits;
  readonly authenticate: (username: string, password: string) => Promise<Principal | null>;
  readonly cleanup: Cleanup;
  readonly clock: Clock;
  readonly log: Logger;
  /** Shared across listeners so caps count all ports together. */
  readonly shared: SubmissionShared;
  /** How long close() lets a message already in DATA finish. */
  readonly closeTimeout: number;
  /** Extra checks before a message is accepted (tenant limits, state); throws SmtpError. */
  readonly admit?: (p: Principal, rcptCount: number) => void;
  /** Ingress flow control: MAIL FROM waits while processing is far behind (flow.ts). */
  readonly flow?: FlowGate;
}

export interface SubmissionShared {
  readonly perIp: ConcurrencyLimit;
  readonly perTenant: ConcurrencyLimit;
  readonly authFailures: FailureThrottle;
}

export function createSubmissionShared(limits: SubmissionLimits, clock: Clock): SubmissionShared {
  return {
    perIp: new ConcurrencyLimit(limits.maxConnectionsPerIp),
    perTenant: new ConcurrencyLimit(limits.maxConnectionsPerTenant),
    authFailures: new FailureThrottle(clock, limits.authFailures.max, limits.authFailures.window, limits.authFailures.lockout),
  };
}

function smtpErr(code: number, enhanced: string, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(`${enhanced} ${text}`), { responseCode: code });
}

function toWire(e: unknown): Error & { responseCode: number } {
  if (e instanceof SmtpError) return smtpErr(e.reply.code, e.reply.enhanced ?? '', e.reply.text);
  return smtpErr(451, '4.3.0', 'Local error in processing, try again later');
}

interface SessionState {
  principal?: Principal;
  ipHeld: boolean;
  /** ms the current transaction waited at MAIL FROM for processing to catch up. */
  flowDelayMs?: number;
}

export function createSubmissionServer(o: SubmissionServerOptions): SMTPServer {
  const { limits, shared, log, clock } = o;
  const states = new Map<string, SessionState>();
  const stateOf = (s: SMTPServerSession): SessionState => {
    let st = states.get(s.id);
    if (!st) {
      st = { ipHeld: false };
      states.set(s.id, st);
    }
    return st;
  };

  const server = new SMTPServer({
    name: o.hostname,
    banner: 'Outpost ESMTP submission',
    secure: o.implicitTls,
    key: o.tls.key,
    cert: o.tls.cert,
    size: limits.maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    allowInsecureAuth: limits.allowPlainAuthOnLoopback,
    hideENHANCEDSTATUSCODES: true,
    disableReverseLookup: true,
    maxClients: limits.maxClients,
    socketTimeout: limits.socketTimeout,
    closeTimeout: o.closeTimeout,
    logger: false,

    onConnect(session, cb) {
      const st = stateOf(session);
      if (!shared.perIp.acquire(session.remoteAddress)) {
        log.warn({ clientIp: session.remoteAddress }, 'smtp: too many connections from client IP');
        return cb(smtpErr(421, '4.7.0', 'Too many connections from your IP address, try again later'));
      }
      st.ipHeld = true;
      cb();
    },

    onClose(session) {
      const st = states.get(session.id);
      if (!st) return;
      if (st.ipHeld) shared.perIp.release(session.remoteAddress);
      if (st.principal) shared.perTenant.release(st.principal.tenant.id);
      states.delete(session.id);
    },

    onAuth(auth: SMTPServerAuthentication, session, cb) {
      const ip = session.remoteAddress;
      const user = auth.username ?? '';
      if (!session.secure && !(limits.allowPlainAuthOnLoopback && isLoopback(ip))) {
        return cb(smtpErr(538, '5.7.11', 'Encryption required: use STARTTLS or the implicit TLS port before AUTH'));
      }
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return cb(smtpErr(504, '5.5.4', 'Unsupported authentication mechanism'));
      const locked = Math.max(shared.authFailures.lockedFor(`ip:${ip}`), shared.authFailures.lockedFor(`user:${user}`));
      if (locked > 0) {
        log.warn({ clientIp: ip, user }, 'smtp: auth refused, too many failures');
        return cb(smtpErr(454, '4.7.0', `Too many failed login attempts; try again in ${Math.ceil(locked / 1000)} s`));
      }
      o.authenticate(user, auth.password ?? '').then(
        (p) => {
          if (!p) {
            shared.authFailures.fail(`ip:${ip}`);
            shared.authFailures.fail(`user:${user}`);
            log.info({ clientIp: ip, user }, 'smtp: auth failed');
            return cb(smtpErr(535, '5.7.8', 'Authentication credentials invalid'));
          }
          if (!shared.perTenant.acquire(p.tenant.id)) {
            return cb(smtpErr(454, '4.7.0', 'Too many concurrent connections for this account, try again later'));
          }
          shared.authFailures.succeed(`ip:${ip}`);
          shared.authFailures.succeed(`user:${user}`);
          stateOf(session).principal = p;
          cb(null, { user: p.tenant.id });
        },
        (e: unknown) => {
          log.error({ err: e, clientIp: ip }, 'smtp: auth backend error');
          cb(smtpErr(454, '4.7.0', 'Temporary authentication failure'));
        },
      );
    },

    onMailFrom(address, session, cb) {
      const p = stateOf(session).principal;
      if (!p) return cb(smtpErr(530, '5.7.0', 'Authentication required'));
      try {
        o.cleanup.checkEnvelopeSender(p.tenant.id, address.address);
      } catch (e) {
        return cb(toWire(e));
      }
      if (!o.flow) return cb();
      void o.flow.wait().then((ms) => {
        stateOf(session).flowDelayMs = ms;
        cb();
      });
    },

    onRcptTo(address, session, cb) {
      const p = stateOf(session).principal;
      if (!p) return cb(smtpErr(550, '5.7.1', 'Relaying denied: authenticate first'));
      if (session.envelope.rcptTo.length >= limits.maxRecipients) {
        return cb(smtpErr(452, '4.5.3', `Too many recipients (at most ${limits.maxRecipients} per message)`));
      }
      if (!parseAddress(address.address)) return cb(smtpErr(553, '5.1.3', `Bad recipient address syntax <${address.address}>`));
      cb();
    },

    onData(stream, session, cb) {
      const started = clock.now();
      const p = stateOf(session).principal;
      const guard = new DataGuard(limits.maxMessageBytes);
      stream.on('data', (c: Buffer) => guard.push(c));
      stream.on('error', () => undefined);
      stream.on('end', () => {
        const raw = guard.finish();
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const flowDelayMs = stateOf(session).flowDelayMs;
        const done = (err: Error & { responseCode: number } | null, id?: string): void => {
          log.info(
            {
              tenant: p?.tenant.id, messageId: id, clientIp: session.remoteAddress, user: p?.user, rcpts: rcptTo.length,
              size: guard.bytes, tls: session.secure, result: err ? `${err.responseCode} ${err.message}` : '250', ms: clock.now() - started,
              ...(flowDelayMs ? { flowDelayMs } : {}),
            },
            'smtp transaction',
          );
          if (err) cb(err);
          else cb(null, `2.0.0 Ok: queued as ${id}`);
        };
        if (!p) return done(smtpErr(530, '5.7.0', 'Authentication required'));
        if (guard.problem === 'too-big' || (stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return done(smtpErr(552, '5.3.4', `Message too big (limit ${limits.maxMessageBytes} bytes)`));
        }
        if (!raw) {
          const what = guard.problem === 'nul' ? 'NUL characters' : 'bare CR or LF characters';
          return done(smtpErr(554, '5.6.0', `Message contains ${what}; lines must end in CRLF (RFC 5321 section 2.3.8)`));
        }
        try {
          o.admit?.(p, rcptTo.length);
        } catch (e) {
          return done(toWire(e));
        }
        o.cleanup
          .submit({
            tenantId: p.tenant.id, source: 'smtp', clientIp: session.remoteAddress, clientHelo: session.hostNameAppearsAs,
            user: p.user, envelope: { mailFrom, rcptTo }, raw, tls: session.secure, protocol: session.secure ? 'ESMTPSA' : 'ESMTPA',
          })
          .then(
            (r) => done(null, r.id),
            (e: unknown) => {
              if (!(e instanceof SmtpError)) log.error({ err: e, tenant: p.tenant.id }, 'smtp: submit failed');
              done(toWire(e));
            },
          );
      });
    },
  });
  server.on('error', (e) => log.warn({ err: e }, 'smtp: connection error'));
  batchReplies(server);
  return server;
}
