/**
 * The HTTP listener: parses the URL, finds the route, runs it, turns any
 * thrown error into a JSON error reply, and writes one structured log line
 * per request (method, path, status, duration, tenant, message id — never the
 * Authorization header or query secrets).
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { Logger } from '../../log/logger.js';
import { HttpError, isClientError, sendError } from './errors.js';
import type { Router } from './router.js';

/**
 * `onFinish` is told of every finished request (route pattern when one matched; metrics).
 * `files` answers the paths it owns (the web console, console/serve.ts) before the API router.
 */
export function createHttpServer(
  router: Router, log: Logger, onFinish?: (route: string | undefined, status: number) => void,
  files?: { handle(req: IncomingMessage, res: ServerResponse, path: string): boolean },
): Server {
  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const logFields: Record<string, unknown> = {};
    let status = 0;
    const finish = (): void => {
      onFinish?.(logFields['route'] as string | undefined, status || res.statusCode);
      log.info(
        { method: req.method, path: (req.url ?? '').split('?')[0], status: status || res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, clientIp: req.socket.remoteAddress, ...logFields },
        'http request',
      );
    };
    res.on('finish', finish);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      status = sendError(res, new HttpError(400, 'bad_url', 'Malformed request URL')).status;
      return;
    }
    if (files) {
      try {
        if (files.handle(req, res, url.pathname)) {
          logFields['route'] = 'console';
          return;
        }
      } catch (e) {
        log.error({ err: e, path: url.pathname }, 'http: console file failed');
        status = sendError(res, e).status;
        return;
      }
    }
    Promise.resolve()
      .then(() => {
        const { handler, params } = router.match(req.method ?? 'GET', url.pathname);
        return handler({ req, res, url, params, logFields });
      })
      .catch((e: unknown) => {
        if (!isClientError(e)) log.error({ err: e, path: url.pathname }, 'http: handler failed');
        if (res.headersSent) {
          res.destroy();
          return;
        }
        status = sendError(res, e).status;
      });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  server.maxHeadersCount = 100;
  return server;
}

/** Extracts "Bearer KEY"; undefined when absent or malformed. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}
