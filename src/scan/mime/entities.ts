/**
 * HTML character references: numeric ones and the named ones that matter for
 * reading mail text. Invariant: never throws; unknown names stay as written.
 * Limits: a short table, not the full WHATWG list.
 */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', deg: '°', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·', times: '×', laquo: '«', raquo: '»',
  shy: '', zwnj: '', zwj: '', iexcl: '¡', iquest: '¿', frac12: '½', para: '¶',
  agrave: 'à', aacute: 'á', acirc: 'â', auml: 'ä', atilde: 'ã', aring: 'å', ccedil: 'ç', egrave: 'è', eacute: 'é',
  ecirc: 'ê', euml: 'ë', igrave: 'ì', iacute: 'í', icirc: 'î', iuml: 'ï', ntilde: 'ñ', ograve: 'ò', oacute: 'ó',
  ocirc: 'ô', ouml: 'ö', otilde: 'õ', oslash: 'ø', ugrave: 'ù', uacute: 'ú', ucirc: 'û', uuml: 'ü', szlig: 'ß',
  Agrave: 'À', Aacute: 'Á', Auml: 'Ä', Eacute: 'É', Ouml: 'Ö', Uuml: 'Ü', Ntilde: 'Ñ', Ccedil: 'Ç',
};

const REF = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,10});?/g;

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(REF, (m, ref: string) => {
    if (ref.charCodeAt(0) === 35) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return ' ';
      if (cp === 0xad || cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0xfeff) return '';
      return String.fromCodePoint(cp);
    }
    const v = NAMED[ref] ?? NAMED[ref.toLowerCase()];
    return v ?? m;
  });
}
