/**
 * MIME structure features: multipart boundary shape (mailers and spamware have
 * recognisable patterns), the top-level type, each part's type, charset and
 * transfer encoding, attachment extensions, and the parser's defects
 * (bad-base64, unknown-charset, ...).
 */
import type { ParsedMessage } from '../mime/message.js';
import { headerValue } from '../mime/message.js';
import { shapeOf } from './shape.js';
import type { FeatureSink } from './sink.js';
import { SEED } from './seeds.js';

export function addBoundaryShape(sink: FeatureSink, msg: ParsedMessage): void {
  const boundary = /boundary\s*=\s*"?([^";\s]+)/i.exec(headerValue(msg, 'content-type') ?? '');
  if (boundary !== null) sink.tok(SEED.shape, 'boundary:' + shapeOf(boundary[1]!), 'shape');
}

export function addMimeStructure(sink: FeatureSink, msg: ParsedMessage): void {
  const top = msg.parts[0];
  if (top !== undefined) sink.tok(SEED.ctype, 'top:' + top.contentType, 'mime');
  for (const p of msg.parts) {
    sink.tok(SEED.ctype, p.contentType, 'mime');
    if (p.charset !== '') sink.tok(SEED.ctype, 'cs:' + p.charset, 'mime');
    sink.tok(SEED.ctype, 'cte:' + p.encoding, 'mime');
  }
  for (const a of msg.attachments) {
    const dot = a.filename.lastIndexOf('.');
    sink.tok(SEED.ctype, 'att:' + (dot >= 0 ? a.filename.slice(dot + 1).toLowerCase().slice(0, 8) : a.contentType), 'mime');
  }
  for (const d of msg.defects) sink.tok(SEED.defect, d.split(':')[0]!, 'defect');
}
