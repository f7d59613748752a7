/**
 * Finding and loading the shipped model. The model lives in the source tree at
 * src/scan/model/model.bin (tsc does not copy it), so from compiled code in
 * dist/src/scan/ we look at ../../../src/scan/model/model.bin; from source (a TS
 * runner) ./model/model.bin. An explicit path (option modelPath / CLI --model)
 * wins over both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeModel, ModelError } from './model.js';
import type { LinearModel } from './model.js';

export function shippedModelCandidates(): string[] {
  return [
    fileURLToPath(new URL('./model/model.bin', import.meta.url)),
    fileURLToPath(new URL('../../../src/scan/model/model.bin', import.meta.url)),
  ];
}

/** The path the shipped model is written to by `npm run train`. */
export function shippedModelPath(): string {
  return fileURLToPath(new URL('../../../src/scan/model/model.bin', import.meta.url));
}

export function loadModel(path?: string): LinearModel {
  const candidates = path !== undefined ? [path] : shippedModelCandidates();
  for (const p of candidates) {
    if (!existsSync(p)) continue;
    return decodeModel(readFileSync(p));
  }
  throw new ModelError(`scanner model not found (looked in ${candidates.join(', ')}); run npm run train`);
}
