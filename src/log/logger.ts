/**
 * Structured JSON logs (pino). One logger per process, passed down explicitly
 * (no global). Secrets never reach the log: credentials are redacted by key
 * wherever they appear, and code never logs raw AUTH lines or API keys.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  'pass',
  'secret',
  'apiKey',
  'key',
  'token',
  'authorization',
  '*.password',
  '*.pass',
  '*.secret',
  '*.apiKey',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(level: string, dest?: DestinationStream): Logger {
  return pino({ level, base: { svc: 'outpost' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, dest);
}

export const silentLogger: Logger = pino({ level: 'silent' });
