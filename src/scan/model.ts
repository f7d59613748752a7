/**
 * The linear model: weights over 2^bits hashed features plus a bias, and its
 * compact file format.
 *
 * File format ("OSM1"): magic(4) | header length u32 LE | header JSON | deflated
 * body. The body is Int16 weights quantised with `scale` (weight = q * scale),
 * dense over 2^bits buckets (zeros compress away). The header carries bits,
 * featureVersion, bias, scale and training metadata.
 *
 * Invariants: a model whose featureVersion differs from the code's is refused
 * (ModelError), because hashed features would silently mean something else.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { FEATURE_VERSION } from './features.js';
import type { SparseVector } from './features.js';

export interface ModelMeta {
  readonly trainedOn: string;
  readonly messages: number;
  readonly spam: number;
  readonly ham: number;
  readonly epochs: number;
  readonly l2: number;
  /** Training runs (shuffles) averaged into the weights; absent in older models (= 1). */
  readonly shuffles?: number;
  readonly createdBy: string;
}

export interface LinearModel {
  readonly bits: number;
  readonly featureVersion: number;
  readonly bias: number;
  readonly weights: Float32Array;
  readonly meta: ModelMeta;
}

export class ModelError extends Error {
  override readonly name = 'ModelError';
}

export function logit(model: LinearModel, v: SparseVector): number {
  const w = model.weights;
  let z = model.bias;
  for (let i = 0; i < v.idx.length; i++) z += w[v.idx[i]!]! * v.val[i]!;
  return z;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Features with the largest contribution (positive = towards spam). */
export function topContributions(model: LinearModel, v: SparseVector, k: number): { id: number; c: number }[] {
  // Keep a small sorted list instead of sorting every feature.
  const top: { id: number; c: number }[] = [];
  for (let i = 0; i < v.idx.length; i++) {
    const c = model.weights[v.idx[i]!]! * v.val[i]!;
    const a = Math.abs(c);
    if (top.length === k && a <= Math.abs(top[k - 1]!.c)) continue;
    let j = top.length < k ? top.length : k - 1;
    while (j > 0 && Math.abs(top[j - 1]!.c) < a) j--;
    top.splice(j, 0, { id: v.idx[i]!, c });
    if (top.length > k) top.pop();
  }
  return top;
}

const MAGIC = 'OSM1';

export function encodeModel(model: LinearModel): Buffer {
  let max = 0;
  for (let i = 0; i < model.weights.length; i++) max = Math.max(max, Math.abs(model.weights[i]!));
  const scale = max > 0 ? max / 32767 : 1;
  const q = new Int16Array(model.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round(model.weights[i]! / scale);
  const header = Buffer.from(
    JSON.stringify({ bits: model.bits, featureVersion: model.featureVersion, bias: model.bias, scale, meta: model.meta }),
    'utf8',
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const body = deflateSync(Buffer.from(q.buffer, q.byteOffset, q.byteLength), { level: 9 });
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, header, body]);
}

export function decodeModel(file: Buffer): LinearModel {
  if (file.length < 8 || file.toString('latin1', 0, 4) !== MAGIC) throw new ModelError('not an Outpost scanner model (bad magic)');
  const hl = file.readUInt32LE(4);
  let header: { bits: number; featureVersion: number; bias: number; scale: number; meta: ModelMeta };
  try {
    header = JSON.parse(file.toString('utf8', 8, 8 + hl)) as typeof header;
  } catch {
    throw new ModelError('corrupt model header');
  }
  if (header.featureVersion !== FEATURE_VERSION) {
    throw new ModelError(`model was trained for feature version ${header.featureVersion}, code is ${FEATURE_VERSION}: retrain (npm run train)`);
  }
  if (!Number.isInteger(header.bits) || header.bits < 8 || header.bits > 26) throw new ModelError('bad model bits');
  const raw = inflateSync(file.subarray(8 + hl));
  if (raw.length !== 2 << header.bits) throw new ModelError('model body has the wrong size');
  const q = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
  const weights = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) weights[i] = q[i]! * header.scale;
  return { bits: header.bits, featureVersion: header.featureVersion, bias: header.bias, weights, meta: header.meta };
}
