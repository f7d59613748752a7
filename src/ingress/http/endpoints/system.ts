/**
 * Endpoints outside any tenant or operator scope: health, the OpenAPI
 * document, and Prometheus metrics (public unless metrics.requireToken).
 */
import { endpoint } from '../endpoint.js';

export default [
  endpoint({
    method: 'GET', path: '/healthz', auth: 'public', tag: 'system', summary: 'Liveness: 200 while the gateway runs',
    response: { status: 200, description: 'ok', schema: { type: 'object', properties: { status: { const: 'ok' } } } },
    handler: () => ({ status: 'ok' }),
  }),
  endpoint({
    method: 'GET', path: '/v1/openapi.json', auth: 'public', tag: 'system', summary: 'This document',
    response: { status: 200, description: 'OpenAPI 3.1 document' },
    handler: async () => (await import('../openapi.js')).openapi,
  }),
  endpoint({
    method: 'GET', path: '/metrics', auth: 'metrics', tag: 'system', summary: 'Prometheus metrics (text exposition format)',
    description: 'Public on the HTTP listener unless `metrics.requireToken` is set; then it needs an operator token. See docs/metrics.md.',
    response: { status: 200, description: 'Metrics in the Prometheus text format', schema: { type: 'string' } },
    handler: async ({ s, ctx }) => {
      if (!s.metrics) {
        ctx.res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are disabled\n');
        return undefined;
      }
      const m = await s.metrics.render();
      ctx.res.writeHead(200, { 'content-type': m.contentType }).end(m.body);
      return undefined;
    },
  }),
];
