/**
 * Who the message claims to be from and to: From domain and TLD, display-name
 * words and shape, local-part shape, Reply-To pointing elsewhere, To equal to
 * From, and the shape of To (missing, undisclosed, bare, named, same domain as
 * From, many).
 */
import { addressDomain } from '../mime/headers.js';
import type { ParsedMessage } from '../mime/message.js';
import { headerValue } from '../mime/message.js';
import { shapeOf } from './shape.js';
import type { FeatureSink } from './sink.js';
import { SEED } from './seeds.js';
import { addWords } from './words.js';

export function addSenderFeatures(sink: FeatureSink, msg: ParsedMessage): void {
  if (msg.from === null) {
    sink.tok(SEED.shape, 'no-from', 'shape');
    return;
  }
  const from = msg.from;
  const fd = addressDomain(from.address);
  if (fd !== '') {
    sink.tok(SEED.fromDomain, fd, 'fromdom');
    sink.tok(SEED.fromTld, fd.slice(fd.lastIndexOf('.') + 1), 'fromtld');
  }
  const local = from.address.slice(0, Math.max(0, from.address.indexOf('@')));
  sink.tok(SEED.shape, 'fromlocal:' + shapeOf(local), 'shape');
  addWords(sink, from.name.toLowerCase(), SEED.fromName, 0, 'fromname', 16);
  sink.tok(SEED.shape, 'fromname:' + (from.name === '' ? 'none' : shapeOf(from.name.replace(/\s+/g, ' ')).slice(0, 8)), 'shape');
  if (msg.replyTo !== null && addressDomain(msg.replyTo.address) !== fd) sink.tok(SEED.shape, 'replyto-differs', 'shape');
  if (msg.to.some((a) => a.address === from.address)) sink.tok(SEED.shape, 'to-is-from', 'shape');
}

export function addRecipientShape(sink: FeatureSink, msg: ParsedMessage): void {
  const toRaw = headerValue(msg, 'to');
  const fd = msg.from !== null ? addressDomain(msg.from.address) : '';
  let shape: string;
  if (toRaw === undefined) shape = 'missing';
  else if (msg.to.length === 0) shape = /undisclosed|recipient/i.test(toRaw) ? 'undisclosed' : 'empty';
  else if (msg.to.length === 1) shape = (msg.to[0]!.name === '' ? 'bare' : 'named') + (fd !== '' && addressDomain(msg.to[0]!.address) === fd ? '-samedom' : '');
  else shape = 'many';
  sink.tok(SEED.shape, 'to:' + shape, 'shape');
}
