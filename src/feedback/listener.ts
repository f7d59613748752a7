/**
 * The feedback listener: an SMTP server (smtp-server) where receivers send
 * bounces and FBL/ARF reports. No authentication; it accepts mail only to
 *   - VERP addresses of the bounce domain whose token verifies, and
 *   - the configured FBL addresses;
 * every other recipient gets 550 5.7.1 (no relay), and a VERP address with a
 * forged or altered token 550 5.1.1. Limits: connections per client IP,
 * reports per client IP per minute (450 4.7.0 past it), message size (552).
 * Each accepted message goes through the intake (intake.ts) and is answered
 * 250 only once the report is recorded in the state database; if recording
 * fails the sender gets 451 and retries.
 * Limits: STARTTLS is offered with the gateway's certificate; no AUTH.
 */
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../log/logger.js';
import type { TlsMaterial } from '../tls/certificates.js';
import type { Intake } from './intake.js';
import { RateLimiter } from './rate-limit.js';
import type { Verp } from './verp.js';

export interface FeedbackListenerOptions {
  readonly hostname: string;
  readonly tls: TlsMaterial;
  readonly verp: Verp;
  /** Lower-cased FBL addresses. */
  readonly fblAddresses: ReadonlySet<string>;
  readonly intake: Intake;
  readonly maxMessageBytes: number;
  readonly ratePerMinute: number;
  readonly maxConnectionsPerIp: number;
  readonly closeTimeout: number;
  readonly now: () => number;
  readonly log: Logger;
}

function smtpErr(code: number, enhanced: string, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(`${enhanced} ${text}`), { responseCode: code });
}

export interface FeedbackStats {
  accepted: number;
  refusedRecipients: number;
  forgedTokens: number;
  rateLimited: number;
}

export function createFeedbackListener(o: FeedbackListenerOptions): { server: SMTPServer; stats: FeedbackStats } {
  const rate = new RateLimiter(o.ratePerMinute, o.now);
  const conns = new Map<string, number>();
  const counted = new Set<string>();
  const stats: FeedbackStats = { accepted: 0, refusedRecipients: 0, forgedTokens: 0, rateLimited: 0 };
  const server = new SMTPServer({
    name: o.hostname,
    banner: 'Outpost ESMTP feedback (bounces and reports only)',
    key: o.tls.key,
    cert: o.tls.cert,
    size: o.maxMessageBytes,
    disabledCommands: ['AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: true,
    closeTimeout: o.closeTimeout,
    logger: false,
    onConnect(session, cb) {
      const ip = session.remoteAddress;
      const n = conns.get(ip) ?? 0;
      if (n >= o.maxConnectionsPerIp) return cb(smtpErr(421, '4.7.0', 'Too many connections from your IP address, try again later'));
      conns.set(ip, n + 1);
      counted.add(session.id);
      cb();
    },
    onClose(session) {
      if (!counted.delete(session.id)) return;
      const ip = session.remoteAddress;
      const n = (conns.get(ip) ?? 1) - 1;
      if (n <= 0) conns.delete(ip);
      else conns.set(ip, n);
    },
    onMailFrom(_address, session, cb) {
      if (!rate.take(session.remoteAddress)) {
        stats.rateLimited++;
        o.log.warn({ clientIp: session.remoteAddress }, 'feedback: client over its report rate');
        return cb(smtpErr(450, '4.7.0', 'Too many reports from your IP address, try again later'));
      }
      cb();
    },
    onRcptTo(address, _session, cb) {
      const a = address.address.toLowerCase();
      if (o.fblAddresses.has(a)) return cb();
      if (o.verp.isVerpAddress(a)) {
        if (o.verp.decode(a)) return cb();
        stats.forgedTokens++;
        return cb(smtpErr(550, '5.1.1', 'Unknown or invalid return-path token'));
      }
      stats.refusedRecipients++;
      return cb(smtpErr(550, '5.7.1', 'Relaying denied: this server accepts only bounces and feedback reports'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', () => undefined);
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return cb(smtpErr(552, '5.3.4', `Message too big (limit ${o.maxMessageBytes} bytes)`));
        const raw = Buffer.concat(chunks);
        o.intake
          .handle({ raw, source: 'smtp', clientIp: session.remoteAddress, envelopeRcpts: session.envelope.rcptTo.map((r) => r.address) })
          .then((r) => {
            stats.accepted++;
            cb(null, `2.0.0 Ok: report ${r.reportId} recorded`);
          })
          .catch((err: unknown) => {
            o.log.error({ err, clientIp: session.remoteAddress }, 'feedback: could not record a report');
            cb(smtpErr(451, '4.3.0', 'Local error recording the report, try again later'));
          });
      });
    },
  });
  server.on('error', (err) => o.log.warn({ err }, 'feedback listener: connection error'));
  return { server, stats };
}
