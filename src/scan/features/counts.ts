/**
 * Structure counts of the message, bucketed (log2): URLs, link domains, links,
 * images, hidden HTML characters, forms, plain and HTML text length, HTML tags
 * (and the set of tag names), attachments, size, envelope and header
 * recipients.
 */
import type { MessageView } from '../view.js';
import type { FeatureSink } from './sink.js';
import { SEED } from './seeds.js';

export function addCounts(sink: FeatureSink, view: MessageView, linkDomains: number, recipientCount: number): void {
  for (const t of view.tagNames) sink.tok(SEED.tag, t, 'tag');
  const msg = view.msg;
  sink.stat('urls', view.urls.length);
  sink.stat('domains', linkDomains);
  sink.stat('links', view.links.length);
  sink.stat('images', view.images);
  sink.stat('hidden', view.hiddenChars);
  sink.stat('forms', view.forms);
  sink.stat('plain', view.plainChars);
  sink.stat('html', view.htmlChars);
  sink.stat('tags', view.htmlTags);
  sink.stat('attachments', msg.attachments.length);
  sink.stat('size', msg.size >> 8);
  sink.stat('rcpt', recipientCount);
  sink.stat('toCount', msg.to.length);
  sink.stat('ccCount', msg.cc.length);
}
