/**
 * Reading a request body with a hard size cap: past `max` bytes the request
 * is answered 413 without buffering the rest. JSON bodies get a parse error
 * that says where the JSON is broken.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    return Promise.reject(new HttpError(413, 'too_large', `Request body of ${declared} bytes exceeds the limit of ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, 'too_large', `Request body exceeds the limit of ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

export function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'bad_json', `Malformed JSON: ${(e as Error).message}`);
  }
}
