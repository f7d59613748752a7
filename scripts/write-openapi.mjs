#!/usr/bin/env node
// Writes the served OpenAPI document to docs/openapi.json (run after changing src/ingress/http/openapi.ts).
import { writeFileSync } from 'node:fs';
const { openapi } = await import('../dist/src/ingress/http/openapi.js');
writeFileSync(new URL('../docs/openapi.json', import.meta.url), JSON.stringify(openapi, null, 2) + '\n');
console.log('wrote docs/openapi.json');
