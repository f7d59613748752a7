/**
 * HTML -> visible text, links and a few structure counts, in one pass.
 *
 * Hidden-text tricks are dropped from the text (and counted): elements styled
 * display:none, visibility:hidden, font-size:0/1px, opacity:0, max-height:0 or
 * width/height:0 with overflow hidden, the `hidden` attribute, and the content of
 * script, style, head (except title), template and comments.
 *
 * Invariants: never throws; linear in the input; the caller bounds the input.
 * Limits: a tokenizer, not a conforming HTML parser (misnested tags are
 * tolerated, not repaired); CSS classes defined in <style> blocks are not
 * resolved, and white-on-white colouring is not detected.
 */
import { decodeEntities } from './entities.js';

export interface HtmlLink {
  readonly href: string;
  /** Visible text of the anchor (trimmed, entities decoded). */
  readonly text: string;
}

export interface HtmlInfo {
  readonly text: string;
  readonly links: HtmlLink[];
  /** Other URLs: img src, form action, area href, background. */
  readonly urls: string[];
  readonly forms: number;
  /** Form action URLs (credential-harvest pages post somewhere). */
  readonly formActions: string[];
  readonly passwordFields: number;
  readonly images: number;
  readonly hiddenChars: number;
  readonly tags: number;
  /** Distinct tag names seen (at most 64). */
  readonly tagNames: string[];
}

const SKIP_CONTENT = new Set(['script', 'style', 'head', 'template', 'noscript', 'object', 'xml']);
const VOID = new Set(['br', 'img', 'input', 'meta', 'link', 'hr', 'area', 'base', 'col', 'embed', 'source', 'wbr', 'param', 'track']);
const BLOCK = new Set(['br', 'p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'td', 'th', 'hr', 'blockquote', 'pre', 'ul', 'ol', 'title', 'center', 'dd', 'dt', 'section', 'article']);
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:\.\d+)?(?:px|pt|em)?\s*(?:;|$|!)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)|max-height\s*:\s*0|(?:^|;|\s)(?:width|height)\s*:\s*0(?:px)?\s*(?:;|$)/i;
const END_TAG = new Map([...SKIP_CONTENT].map((t) => [t, new RegExp('</' + t, 'ig')]));
const ATTR = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function attrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  ATTR.lastIndex = 0;
  let a: RegExpExecArray | null;
  let guard = 0;
  while ((a = ATTR.exec(s)) !== null && guard++ < 64) {
    const k = a[1]!.toLowerCase();
    if (!m.has(k)) m.set(k, a[2] ?? a[3] ?? a[4] ?? '');
  }
  return m;
}

function isHidden(tag: string, at: Map<string, string>): boolean {
  if (at.has('hidden')) return true;
  const style = at.get('style');
  if (style !== undefined && HIDDEN_STYLE.test(style)) return true;
  if (tag === 'font' && at.get('size') === '0') return true;
  return false;
}

export function htmlToText(html: string): HtmlInfo {
  const out: string[] = [];
  const links: HtmlLink[] = [];
  const urls: string[] = [];
  const formActions: string[] = [];
  let forms = 0;
  let passwordFields = 0;
  let images = 0;
  let hiddenChars = 0;
  let tags = 0;
  const tagNames = new Set<string>();
  // Hidden/skip state: the tag name that opened it and a nesting counter.
  let hideTag = '';
  let hideDepth = 0;
  let anchor: { href: string; start: number } | null = null;
  let i = 0;
  const n = html.length;
  const emit = (s: string): void => {
    if (hideDepth > 0) {
      hiddenChars += s.trim().length;
      return;
    }
    out.push(s);
  };
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      emit(decodeEntities(html.slice(i)));
      break;
    }
    if (lt > i) emit(decodeEntities(html.slice(i, lt)));
    // Comments and declarations.
    if (html.startsWith('<!--', lt)) {
      const e = html.indexOf('-->', lt + 4);
      i = e < 0 ? n : e + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const e = html.indexOf('>', lt + 2);
      i = e < 0 ? n : e + 1;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) {
      emit(decodeEntities(html.slice(lt)));
      break;
    }
    const inner = html.slice(lt + 1, gt);
    i = gt + 1;
    const closing = inner.charCodeAt(0) === 47;
    const nameMatch = /^\/?\s*([a-zA-Z][a-zA-Z0-9:-]*)/.exec(inner);
    if (!nameMatch) {
      emit(decodeEntities('<' + inner + '>'));
      continue;
    }
    tags++;
    const tag = nameMatch[1]!.toLowerCase();
    if (tagNames.size < 64) tagNames.add(tag);
    if (closing) {
      if (hideDepth > 0 && tag === hideTag) {
        hideDepth--;
        if (hideDepth === 0) hideTag = '';
      }
      if (tag === 'a' && anchor !== null) {
        const text = out.slice(anchor.start).join('').replace(/\s+/g, ' ').trim();
        links.push({ href: anchor.href, text });
        anchor = null;
      }
      if (BLOCK.has(tag)) emit('\n');
      continue;
    }
    // Raw-text elements: jump to their end tag.
    if (SKIP_CONTENT.has(tag) && tag !== 'head') {
      const re = END_TAG.get(tag)!;
      re.lastIndex = i;
      const end = re.exec(html);
      i = end === null ? n : end.index;
      continue;
    }
    if (tag === 'head') continue; // contents handled: title kept, style/script skipped above
    const selfClosing = inner.endsWith('/') || VOID.has(tag);
    const needAttrs = inner.length > tag.length + 1;
    const at = needAttrs ? attrs(inner.slice(nameMatch[0].length)) : new Map<string, string>();
    if (hideDepth > 0) {
      if (tag === hideTag && !selfClosing) hideDepth++;
    } else if (!selfClosing && needAttrs && isHidden(tag, at)) {
      hideTag = tag;
      hideDepth = 1;
    }
    switch (tag) {
      case 'a': {
        const href = at.get('href');
        if (href !== undefined && href !== '') {
          if (anchor !== null) links.push({ href: anchor.href, text: out.slice(anchor.start).join('').replace(/\s+/g, ' ').trim() });
          anchor = { href: decodeEntities(href.trim()), start: out.length };
        }
        break;
      }
      case 'img':
        images++;
        if (at.get('src')) urls.push(decodeEntities(at.get('src')!.trim()));
        if (at.get('alt')) emit(' ' + decodeEntities(at.get('alt')!) + ' ');
        break;
      case 'area':
        if (at.get('href')) urls.push(decodeEntities(at.get('href')!.trim()));
        break;
      case 'form':
        forms++;
        if (at.get('action')) formActions.push(decodeEntities(at.get('action')!.trim()));
        break;
      case 'input':
        if ((at.get('type') ?? '').toLowerCase() === 'password') passwordFields++;
        break;
      case 'meta': {
        const c = at.get('content') ?? '';
        const m = /url\s*=\s*['"]?([^'"\s>]+)/i.exec(c);
        if ((at.get('http-equiv') ?? '').toLowerCase() === 'refresh' && m) urls.push(m[1]!);
        break;
      }
      default:
        if (at.has('background')) urls.push(at.get('background')!);
    }
    if (BLOCK.has(tag)) emit('\n');
    else if (tag === 'td' || tag === 'span' || tag === 'font') emit(' ');
  }
  if (anchor !== null) links.push({ href: anchor.href, text: out.slice(anchor.start).join('').replace(/\s+/g, ' ').trim() });
  return { text: out.join(''), links, urls, forms, formActions, passwordFields, images, hiddenChars, tags, tagNames: [...tagNames] };
}
