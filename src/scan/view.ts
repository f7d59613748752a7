/**
 * MessageView: what rules, features and the fingerprint read. It joins the
 * parsed message with its HTML-derived text, links and analysed URLs.
 *
 * Invariants: `text` holds at most `maxText` characters; at most `maxUrls`
 * URLs are analysed (links first, then text URLs); never throws.
 */
import { htmlToText } from './mime/html.js';
import type { HtmlLink } from './mime/html.js';
import type { ParsedMessage } from './mime/message.js';
import { findTextUrls } from './urls.js';
import type { UrlAnalyzer, UrlInfo } from './urls.js';

export interface MessageView {
  readonly msg: ParsedMessage;
  /** Visible text: text/plain parts then HTML-derived text, bounded. */
  readonly text: string;
  readonly plainChars: number;
  readonly htmlChars: number;
  readonly links: readonly HtmlLink[];
  readonly urls: readonly UrlInfo[];
  readonly forms: number;
  readonly formActions: readonly UrlInfo[];
  readonly passwordFields: number;
  readonly images: number;
  readonly hiddenChars: number;
  readonly htmlTags: number;
  readonly tagNames: readonly string[];
}

export function buildView(msg: ParsedMessage, analyzer: UrlAnalyzer, maxText: number, maxUrls: number): MessageView {
  const plain = msg.texts.join('\n');
  let htmlText = '';
  const links: HtmlLink[] = [];
  const otherUrls: string[] = [];
  const formActionsRaw: string[] = [];
  let forms = 0;
  let passwordFields = 0;
  let images = 0;
  let hiddenChars = 0;
  let htmlTags = 0;
  const tagNames = new Set<string>();
  for (const h of msg.htmls) {
    const info = htmlToText(h);
    htmlText += (htmlText === '' ? '' : '\n') + info.text;
    for (const l of info.links) if (links.length < maxUrls) links.push(l);
    for (const u of info.urls) if (otherUrls.length < maxUrls) otherUrls.push(u);
    formActionsRaw.push(...info.formActions.slice(0, 8));
    forms += info.forms;
    passwordFields += info.passwordFields;
    images += info.images;
    hiddenChars += info.hiddenChars;
    htmlTags += info.tags;
    for (const t of info.tagNames) tagNames.add(t);
  }
  let text = plain === '' ? htmlText : htmlText === '' ? plain : plain + '\n' + htmlText;
  if (text.length > maxText) text = text.slice(0, maxText);

  const urls: UrlInfo[] = [];
  const seen = new Set<string>();
  const add = (raw: string, source: UrlInfo['source']): void => {
    if (urls.length >= maxUrls || seen.has(raw)) return;
    seen.add(raw);
    const u = analyzer.analyse(raw, source);
    if (u !== null) urls.push(u);
  };
  for (const l of links) add(l.href, 'href');
  for (const u of otherUrls) add(u, 'html');
  for (const u of findTextUrls(text, maxUrls)) add(u, 'text');
  const formActions: UrlInfo[] = [];
  for (const f of formActionsRaw) {
    const u = analyzer.analyse(f, 'form');
    if (u !== null) formActions.push(u);
  }
  return {
    msg,
    text,
    plainChars: plain.trim().length,
    htmlChars: htmlText.trim().length,
    links,
    urls,
    forms,
    formActions,
    passwordFields,
    images,
    hiddenChars,
    htmlTags,
    tagNames: [...tagNames],
  };
}
