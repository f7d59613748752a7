import { test } from 'node:test';
import assert from 'node:assert/strict';
import dns2 from 'dns2';
import { createUriBlocklist } from './uribl.js';
import { createScanner } from './scanner.js';
import { basicMail, TEST_NOW } from './testing.js';

const { Packet } = dns2;

/** Serve a tiny blocklist zone on loopback: name -> A records; others NXDOMAIN; `slow` names never answer. */
async function serveZone(records: Record<string, string[]>, slow: string[] = []): Promise<{ server: ReturnType<typeof dns2.createServer>; port: number; queries: string[] }> {
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const q = request.questions[0];
      if (q === undefined) return;
      queries.push(q.name);
      if (slow.includes(q.name)) return;
      const response = Packet.createResponseFromRequest(request);
      const answers = records[q.name.toLowerCase()];
      if (answers === undefined) response.header.rcode = 3;
      else for (const address of answers) response.answers.push(Packet.createResourceFromQuestion(q, { type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 300, address }));
      void send(response);
    },
  });
  const addrs = await server.listen({ udp: { port: 0, address: '127.0.4.1' } });
  return { server, port: addrs.udp!.port, queries };
}

test('listed, unlisted and refused answers; answers are cached', async () => {
  const z = await serveZone({ 'evil.example.dbl.test': ['127.0.1.2'], 'blocked.example.dbl.test': ['127.255.255.254'] });
  try {
    const bl = createUriBlocklist({ zones: ['dbl.test'], servers: [`127.0.4.1:${z.port}`], timeoutMs: 1000 });
    const r = await bl.check(['evil.example', 'good.example', 'blocked.example']);
    assert.deepEqual(r.listed, [{ domain: 'evil.example', zone: 'dbl.test', code: '127.0.1.2' }]);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!, /refused/);
    const before = z.queries.length;
    const again = await bl.check(['evil.example', 'good.example']);
    assert.equal(again.listed.length, 1);
    assert.equal(z.queries.length, before, 'cached answers must not query again');
  } finally {
    await z.server.close();
  }
});

test('a slow resolver cannot hold a message longer than the time budget', async () => {
  const z = await serveZone({}, ['slow.example.dbl.test']);
  try {
    const bl = createUriBlocklist({ zones: ['dbl.test'], servers: [`127.0.4.1:${z.port}`], timeoutMs: 150 });
    const t = performance.now();
    const r = await bl.check(['slow.example']);
    const ms = performance.now() - t;
    assert.ok(ms < 1500, `took ${ms} ms`);
    assert.deepEqual(r.listed, []);
    assert.equal(r.errors.length, 1);
  } finally {
    await z.server.close();
  }
});

test('the scanner reports a listed URL domain as uribl-listed, capped lookups', async () => {
  const z = await serveZone({ 'bad-pharma.example.dbl.test': ['127.0.1.2'] });
  try {
    const scanner = createScanner({ uriBlocklist: { zones: ['dbl.test'], servers: [`127.0.4.1:${z.port}`], timeoutMs: 1000, maxLookups: 3 } });
    const links = ['https://bad-pharma.example/buy', ...Array.from({ length: 10 }, (_, i) => `https://site${i}.example/`)].join('\n');
    const v = await scanner.scan(basicMail({}, `Hello,\n${links}\n`), { recipientCount: 1, mailFrom: 'bob@example.org', receivedAt: TEST_NOW });
    const hit = v.reasons.find((r) => r.rule === 'uribl-listed');
    assert.ok(hit !== undefined, JSON.stringify(v.reasons));
    assert.match(hit.detail, /bad-pharma\.example listed in dbl\.test/);
    assert.equal(new Set(z.queries).size, 3);
  } finally {
    await z.server.close();
  }
});
