import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommitter } from './group-commit.js';

function setup() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  let commits = 0;
  const gc = new GroupCommitter(
    (fn) => {
      db.transaction(fn).immediate();
      commits++;
    },
    (fn) => db.transaction(fn)(),
    () => db.inTransaction,
  );
  const ins = db.prepare('INSERT INTO t (k) VALUES (?)');
  const keys = (): string[] => (db.prepare('SELECT k FROM t ORDER BY k').all() as Array<{ k: string }>).map((r) => r.k);
  return { db, gc, ins, keys, commits: () => commits };
}

test('a group of good writes is one commit', async () => {
  const { gc, ins, keys, commits } = setup();
  await Promise.all(['a', 'b', 'c'].map((k) => gc.submit(() => ins.run(k).changes)));
  assert.deepEqual(keys(), ['a', 'b', 'c']);
  assert.equal(commits(), 1);
});

test('one failing write rejects only its caller; the others are applied exactly once', async () => {
  const { gc, ins, keys } = setup();
  await gc.submit(() => ins.run('dup'));
  const r = await Promise.allSettled([
    gc.submit(() => { ins.run('x1'); return 'first'; }),
    gc.submit(() => { ins.run('half'); ins.run('dup'); }), // applies one row, then violates the key
    gc.submit(() => { ins.run('x2'); return 'third'; }),
  ]);
  assert.equal(r[0].status, 'fulfilled');
  assert.equal(r[1].status, 'rejected');
  assert.match(String((r[1] as PromiseRejectedResult).reason), /UNIQUE/);
  assert.equal(r[2].status, 'fulfilled');
  assert.deepEqual(keys(), ['dup', 'x1', 'x2'], 'the failed write left nothing behind (not even its first row), the others once each');
});

test('a failing commit rejects every write of the group', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const gc = new GroupCommitter(
    (fn) => {
      db.transaction(fn).immediate();
      throw new Error('disk I/O error');
    },
    (fn) => db.transaction(fn)(),
    () => db.inTransaction,
  );
  const ins = db.prepare('INSERT INTO t (k) VALUES (?)');
  const r = await Promise.allSettled([gc.submit(() => ins.run('a')), gc.submit(() => ins.run('b'))]);
  assert.ok(r.every((x) => x.status === 'rejected' && /disk I\/O/.test(String(x.reason))));
});

test('deferrable writes wait up to deferMs for company: they ride along with the next urgent write, or commit when the window ends', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const groups: number[] = [];
  let size = 0;
  const gc = new GroupCommitter(
    (fn) => {
      size = 0;
      db.transaction(fn).immediate();
      groups.push(size);
    },
    (fn) => db.transaction(fn)(),
    () => db.inTransaction,
    { deferMs: 200 },
  );
  const ins = db.prepare('INSERT INTO t (k) VALUES (?)');
  const put = (k: string, deferrable: boolean): Promise<unknown> => gc.submit(() => { size++; return ins.run(k); }, deferrable);

  const lone = put('d1', true);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(groups, [], 'a lone deferrable write is not committed at the next turn');
  await lone;
  assert.deepEqual(groups, [1], 'it is committed when the window ends');

  const t0 = Date.now();
  const rode = put('d2', true);
  await Promise.all([rode, put('u1', false)]);
  assert.deepEqual(groups, [1, 2], 'the deferrable write shares the urgent write\'s commit');
  assert.ok(Date.now() - t0 < 150, 'and did not wait for its window');
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(groups, [1, 2], 'no empty commit when the cancelled window would have ended');
});
