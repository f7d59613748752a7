import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spoolSuite } from '../spool.suite.js';
import { ThreadedSqliteSpool } from './threaded-spool.js';

const dir = mkdtempSync(join(tmpdir(), 'tspool-'));
let n = 0;
let last = '';
spoolSuite('sqlite, writer thread', {
  open: async () => {
    last = join(dir, `spool-${n++}.db`);
    return ThreadedSqliteSpool.open(last);
  },
  reopen: async () => ThreadedSqliteSpool.open(last),
});
