#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4: the main isolate's young generation stays at 8 MB (src/core/heap.ts).
// The `outpost` command: a thin launcher for the compiled CLI in dist/.
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(`outpost: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
);
