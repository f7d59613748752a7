import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from '../../../test/support/gateway.js';
import { openapi } from './openapi.js';

let t: TestGateway;
let other: { apiKey: string };

before(async () => {
  t = await startTestGateway({ host: '127.0.21.1', config: { smtp: { maxMessageBytes: 50_000, maxRecipients: 5 }, http: { maxBodyBytes: 60_000 } } });
  other = await t.addTenant('globex', 'globex.test');
});
after(async () => t.stop());

function post(body: string, type: string, key: string | null = t.tenant.apiKey, query = ''): Promise<Response> {
  return fetch(`${t.baseUrl}/v1/messages${query}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
}

describe('HTTP submission', () => {
  test('JSON message: 202 with an id, built into MIME, Bcc kept out of the headers', async () => {
    const r = await post(JSON.stringify({ from: 'Ann <ann@acme.test>', to: ['bob@example.net'], bcc: ['hidden@example.org'], subject: 'Héllo', text: 'line 1\nline 2', html: '<p>hi</p>', headers: { 'X-Campaign': 'spring' } }), 'application/json');
    assert.equal(r.status, 202);
    const { id } = (await r.json()) as { id: string };
    const m = await t.gw.spool.getMessage(id);
    assert.deepEqual(m?.recipients.map((x) => x.rcpt), ['bob@example.net', 'hidden@example.org']);
    const raw = (await t.gw.spool.readBody(id))!.toString();
    assert.match(raw, /\r\nX-Campaign: spring\r\n/);
    assert.doesNotMatch(raw, /hidden@example\.org/);
    assert.doesNotMatch(raw, /[^\r]\n/, 'CRLF line endings only');
    assert.match(raw, /multipart\/alternative/);
    const ev = await t.gw.spool.events(id);
    assert.equal(ev[0]?.data?.['source'], 'http');
  });

  test('raw message/rfc822 with the envelope in the query; bare LF is normalised', async () => {
    const raw = 'From: ann@acme.test\nTo: x@example.net\nSubject: raw\n\nbody\n';
    const r = await post(raw, 'message/rfc822', t.tenant.apiKey, '?mail_from=ann@acme.test&rcpt_to=a@example.net,b@example.net');
    assert.equal(r.status, 202);
    const { id } = (await r.json()) as { id: string };
    const m = await t.gw.spool.getMessage(id);
    assert.deepEqual(m?.recipients.map((x) => x.rcpt), ['a@example.net', 'b@example.net']);
    assert.ok((await t.gw.spool.readBody(id))!.toString().endsWith('\r\n\r\nbody\r\n'));
  });

  test('raw message without query takes the envelope from its headers', async () => {
    const r = await post('From: ann@acme.test\r\nTo: a@example.net\r\nCc: c@example.net\r\n\r\nx\r\n', 'message/rfc822');
    assert.equal(r.status, 202);
    const { id } = (await r.json()) as { id: string };
    assert.deepEqual((await t.gw.spool.getMessage(id))?.recipients.map((x) => x.rcpt), ['a@example.net', 'c@example.net']);
  });

  const cases: Array<[string, () => Promise<Response>, number, RegExp]> = [
    ['no key', () => post('{}', 'application/json', null), 401, /Missing API key/],
    ['bad key', () => post('{}', 'application/json', 'op_000000000000_nope-nope-nope'), 401, /Invalid or revoked API key/],
    ['malformed JSON', () => post('{"from": ', 'application/json'), 400, /Malformed JSON/],
    ['unknown field', () => post(JSON.stringify({ from: 'ann@acme.test', to: ['a@example.net'], text: 'x', sneaky: 1 }), 'application/json'), 400, /unknown key sneaky/],
    ['wrong type', () => post(JSON.stringify({ from: 'ann@acme.test', to: 'a@example.net', text: 'x' }), 'application/json'), 400, /body: to: expected array/],
    ['header injection', () => post(JSON.stringify({ from: 'ann@acme.test', to: ['a@example.net'], text: 'x', subject: 'hi\r\nBcc: victim@example.org' }), 'application/json'), 400, /subject must not contain line breaks/],
    ['no body text', () => post(JSON.stringify({ from: 'ann@acme.test', to: ['a@example.net'] }), 'application/json'), 400, /one of text or html is required/],
    ['no recipients', () => post(JSON.stringify({ from: 'ann@acme.test', text: 'x' }), 'application/json'), 400, /at least one of to, cc or bcc/],
    ['bad recipient', () => post(JSON.stringify({ from: 'ann@acme.test', to: ['not-an-address'], text: 'x' }), 'application/json'), 400, /not one mail address/],
    ['too many recipients', () => post(JSON.stringify({ from: 'ann@acme.test', to: ['a@x.net', 'b@x.net', 'c@x.net', 'd@x.net', 'e@x.net', 'f@x.net'], text: 'x' }), 'application/json'), 400, /Too many recipients/],
    ['foreign sender domain', () => post(JSON.stringify({ from: 'ceo@globex.test', to: ['a@example.net'], text: 'x' }), 'application/json'), 403, /globex\.test is not a verified domain/],
    ['message too large', () => post(JSON.stringify({ from: 'ann@acme.test', to: ['a@example.net'], text: 'y'.repeat(52_000) }), 'application/json'), 413, /exceeds the limit/],
    ['request body too large', () => post('x'.repeat(70_000), 'message/rfc822'), 413, /exceeds the limit/],
    ['NUL in raw', () => post('From: ann@acme.test\r\n\r\na\0b\r\n', 'message/rfc822'), 400, /NUL/],
    ['unsupported type', () => post('hello', 'text/plain'), 415, /Content-Type/],
  ];
  for (const [name, call, status, re] of cases) {
    test(`bad input (${name}) → ${status} with a clear JSON error`, async () => {
      const r = await call();
      assert.equal(r.status, status);
      const body = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(typeof body.error.code, 'string');
      assert.match(body.error.message, re);
    });
  }

  test("a tenant sees its own messages only; another tenant's id is 404", async () => {
    const r = await post(JSON.stringify({ from: 'ann@acme.test', to: ['a@example.net'], text: 'mine' }), 'application/json');
    const { id } = (await r.json()) as { id: string };
    const mine = await fetch(`${t.baseUrl}/v1/messages/${id}`, { headers: { authorization: `Bearer ${t.tenant.apiKey}` } });
    assert.equal(mine.status, 200);
    const body = (await mine.json()) as { events: Array<{ type: string }> };
    assert.equal(body.events[0]?.type, 'received');
    const theirs = await fetch(`${t.baseUrl}/v1/messages/${id}`, { headers: { authorization: `Bearer ${other.apiKey}` } });
    assert.equal(theirs.status, 404);
    const anon = await fetch(`${t.baseUrl}/v1/messages/${id}`);
    assert.equal(anon.status, 401);
  });

  test('unknown path 404 and wrong method 405 are JSON errors', async () => {
    assert.equal((await fetch(`${t.baseUrl}/v1/nope`)).status, 404);
    const r = await fetch(`${t.baseUrl}/v1/messages`, { method: 'DELETE' });
    assert.equal(r.status, 405);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'method_not_allowed');
  });

  test('the OpenAPI document is served, documents every route, and matches docs/openapi.json', async () => {
    const r = await fetch(`${t.baseUrl}/v1/openapi.json`);
    assert.equal(r.status, 200);
    const doc = (await r.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const [path, method] of [['/v1/messages', 'post'], ['/v1/messages/{messageId}', 'get'], ['/v1/openapi.json', 'get'], ['/healthz', 'get']] as const) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path} is documented`);
    }
    const onDisk = JSON.parse(readFileSync(new URL('../../../../docs/openapi.json', import.meta.url), 'utf8')) as unknown;
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(openapi)), 'docs/openapi.json is current (npm run openapi)');
  });

  test('request logs carry tenant and message id, never the API key', async () => {
    const r = await post(JSON.stringify({ from: 'ann@acme.test', to: ['a@example.net'], text: 'log' }), 'application/json');
    const { id } = (await r.json()) as { id: string };
    await new Promise((res) => setTimeout(res, 50));
    const line = t.logLines.find((l) => l.includes('http request') && l.includes(id));
    assert.ok(line);
    assert.equal((JSON.parse(line) as Record<string, unknown>)['tenant'], 'acme');
    assert.ok(!t.logLines.join('\n').includes(t.tenant.apiKey.slice('op_000000000000_'.length)), 'the API key secret never appears in logs');
  });
});
