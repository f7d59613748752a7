import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRoutes, RouteConfigError } from './routes.js';

test('exact beats the longest wildcard, which beats the catch-all', () => {
  const t = compileRoutes([
    { match: '*', host: 'smarthost.test', port: 587 },
    { match: '*.example.com', host: '10.0.0.1', port: 25 },
    { match: '*.eu.example.com', host: '10.0.0.2', port: 25 },
    { match: 'Example.COM.', host: '10.0.0.3', port: 25 },
  ]);
  assert.equal(t.find('example.com')?.host, '10.0.0.3');
  assert.equal(t.find('EXAMPLE.com.')?.host, '10.0.0.3');
  assert.equal(t.find('mail.example.com')?.host, '10.0.0.1');
  assert.equal(t.find('x.eu.example.com')?.host, '10.0.0.2');
  assert.equal(t.find('eu.example.com')?.host, '10.0.0.1');
  assert.equal(t.find('other.org')?.host, 'smarthost.test');
  assert.equal(t.size, 4);
});

test('a wildcard does not match its own base domain', () => {
  const t = compileRoutes([{ match: '*.example.com', host: '10.0.0.1', port: 25 }]);
  assert.equal(t.find('example.com'), undefined);
  assert.equal(t.find('notexample.com'), undefined);
});

test('bad entries are rejected with their position', () => {
  const bad: Array<[string, string, number]> = [
    ['exa mple.com', 'h', 25],
    ['*example.com', 'h', 25],
    ['example..com', 'h', 25],
    ['example.com', '', 25],
    ['example.com', 'h', 0],
    ['example.com', 'h', 70000],
  ];
  for (const [match, host, port] of bad) {
    assert.throws(() => compileRoutes([{ match, host, port }]), (e: unknown) => e instanceof RouteConfigError && /routes\[0\]/.test(e.message), match);
  }
  assert.throws(
    () =>
      compileRoutes([
        { match: 'a.com', host: 'h', port: 25 },
        { match: 'A.com', host: 'h', port: 26 },
      ]),
    /duplicate/,
  );
});
