/**
 * Bounce reasons from the receiver's words, and what they imply.
 *
 * Why hand-written patterns: receivers explain failures in free text whose
 * wording no standard fixes (and status codes are often absent, generic
 * "5.0.0", or contradict the text: "550 5.7.1 User unknown"). The table is
 * ordered: the first matching rule wins, so specific phrases come before
 * general ones (a DNSBL listing mentioning "spam" is `blocked`, not
 * `spamdetected`). When no phrase matches, the status code decides
 * (reasonFromStatus), and when the report has no code the reason supplies
 * one (statusForReason), as Sisimai does with its X.0.9xx codes; we use the
 * nearest real RFC 3463 code instead.
 * Invariants: pure functions; `hard` only for reasons where the address
 * itself is bad and only for permanent (5.x.x) failures.
 * Limits: English wording only;
 * unknown wording falls back to the code or 'undefined'.
 */
import type { BounceReason } from './types.js';

type Rule = readonly [BounceReason, RegExp];

// Order matters. Keep each pattern about one idea.
const RULES: readonly Rule[] = [
  ['expired', /retry time(out)? (was )?(exceeded|expired)|giving up on|delivery time expired|message expired|could not be delivered (with)?in .{0,20}(days|hours)|no further attempts|queue(d)? too long|message timed out|has not been delivered for|maximum time in queue|was not delivered after/i],
  ['hasmoved', /\bhas moved\b|address (has )?changed|user not local; please try|mailbox has moved|no longer (valid|available) at this address/i],
  ['notaccept', /indicated no smtp service|no smtp service|does not accept (e-?)?mail|accepts? no (e-?)?mail|null mx|domain (does not|doesn'?t) (receive|accept)|not accepting (any )?(e-?)?mail|domain is not configured to receive/i],
  ['hostunknown', /(account or domain|domain) may not exist/i],
  ['requireptr', /reverse (dns|lookup|hostname|address)|\bptr\b|\brdns\b|cannot find your hostname|hostname (does not|doesn'?t) resolve|no (reverse|host ?name) (for|record)|unresolvable (address|client)|client host rejected: cannot find/i],
  ['contenterror', /media (error|type)|invalid (mime|content|character)|malformed (mime|message)/i],
  ['exceedlimit', /length exceeds|exceeds? (the )?administrative limit/i],
  ['authfailure', /\bspf\b|\bdkim\b|\bdmarc\b|sender (authentication|policy framework)|authentication (check )?failed|not pass (dmarc|dkim|spf)|unauthenticated (email|mail) from/i],
  ['norelaying', /relay(ing)? (access )?(denied|not permitted|prohibited|not allowed)|unable to relay|not permitted to relay|we do not relay|no relaying|relay not permitted|open relay/i],
  ['virusdetected', /\bvirus\b|malware|infected|trojan|worm\b/i],
  ['badreputation', /reputation/i],
  ['blocked', /block ?list|black ?list|\bdnsbl\b|\brbl\b|spamhaus|spamcop|barracuda ?(central|reputation)|sorbs|(is|are|was|been|currently|ip) (black)?listed (in|on|at|by)|blacklisted|blocked using|client host .{0,40}(blocked|rejected)|ip (address )?(is )?(blocked|banned|not allowed)|connection (refused|rejected|denied) (from|by|for)|your (ip|host|server|network) (has been |is |was )?(blocked|blacklisted|rejected|banned)|has been blocked|(service|connection) refused|bad sender ip|\bS3140\b|\bTS0[1-4]\b|poor reputation|sender ip|permanently deferred/i],
  ['spamdetected', /\bspam\b|junk ?mail|unsolicited|bulk (e-?)?mail|content (rejected|looks like)|message (was |is )?(rejected|blocked|refused) (as|because|due)|high probability of being|classified as|suspicious (content|url)|phish/i],
  ['securityerror', /tls (is )?required|encryption required|must (issue a )?starttls|authentication required|need (to )?auth|not authori[sz]ed|unauthori[sz]ed|security (policy|error)|\bssl\b|certificate/i],
  ['notcompliantrfc', /rfc ?(5322|2822|822|5321)|not (rfc[ -]?)?compliant|multiple (from|subject|date|to|message-id)|(header|headers) (is |are )?(missing|invalid|malformed)|message (is not|isn't) (properly )?formatted|bare (lf|linefeed)|non-compliant/i],
  ['suspend', /suspend|disabled|deactivated|inactive|account (is |has been )?(closed|locked|frozen|expired|blocked)|mailbox (is )?(locked|frozen|closed|not active)|temporarily (disabled|unavailable)|is not active|no longer active|has been terminated|expired account/i],
  ['mailboxfull', /mailbox( is|'s)? full|mail ?box (is )?full|over ?quota|quota (exceeded|exceed|full|limit)|exceeds? (the )?(storage|quota)|exceeded (the |his |her |its )?(storage|quota|mailbox)|mailbox (size|storage) (limit )?(exceeded|full)|insufficient (storage|space) (in|for) (the |this )?(mailbox|user|account)|too many messages in (the |this )?mailbox|out of (storage|space)|full mailbox|user'?s? (mailbox|disk) (is )?full|not enough space|mailbox .{0,30}full|disk quota/i],
  ['exceedlimit', /exceeds? (the )?(maximum )?(fixed )?(message )?size|size exceeds|exceed(s|ed)? (the )?(mailbox )?(message )?size limit|message (size )?exceeds (the )?(fixed )?(maximum|limit)/i],
  ['mesgtoobig', /message (is )?too (big|large)|(mail|message|file) size (is )?(too (big|large)|over)|too large|size limit|maximum (message )?size/i],
  ['systemfull', /insufficient system storage|(disk|file ?system|system) (is )?full|not enough (disk|system) (space|storage)|out of (disk )?space on/i],
  ['speeding', /rate (limit|limited|exceeded)|too many (messages|mails|emails|recipients)|sending (limit|quota)|exceeded (the )?(sending|message|rate)|message rate|throttl|too fast|slow down|frequency|exceeded the (limit|maximum)/i],
  ['toomanyconn', /too many (connections|concurrent|sessions|smtp sessions)|connection (limit|rate)|concurrent connections|maximum (number of )?connections/i],
  ['hostunknown', /host (or domain name )?(not found|unknown)|unknown host|domain (name )?(not found|does not exist|doesn'?t exist|unknown)|unrouteable (mail )?domain|no (such )?(domain|host)\b|name or service not known|no mx( record)?s?\b|mx (record )?(not found|lookup failed)|nxdomain|dns (error|lookup failed)|all relevant mx records|unroutable|unrouteable address|domain is not (valid|configured)|invalid domain|bad destination system address|host lookup did not complete|recipient domain .{0,30}(not found|does not exist)|find any host|no host named|couldn'?t find (a |any )?(host|mail exchanger)/i],
  ['rejected', /sender (address )?(rejected|denied|refused|not allowed|verify failed|verification failed|domain (must exist|does not exist|not found|unknown))|(domain|address) of sender|envelope sender|invalid sender|sender verification|unroutable sender|unknown sender|sender is (not allowed|rejected|blacklisted)|sender address (is )?(invalid|unknown)/i],
  ['filtered', /recipient preferences|refused due to recipient|rejected by (the )?recipient'?s? (filter|settings|preferences)|domain filter/i],
  ['hostunknown', /domain is not reachable|domain (is )?unreachable/i],
  ['userunknown', /user(name)? (is )?unknown|unknown (user|recipient|local[- ]part|address|mailbox|alias)|no such (user|mailbox|recipient|address|account|local user|person)|user(name)? (not found|does not exist|doesn'?t exist|not exist)|recipient (not found|unknown|does not exist|doesn'?t exist|rejected|address rejected|invalid)|(mailbox|account|address|e-?mail address|email account|addressee)( that you tried to reach)? (does not exist|doesn'?t exist|not found|unknown|unavailable|is unavailable|not available|invalid|is invalid)|invalid (recipient|mailbox|user|address)|not a valid (recipient|mailbox|user|address)|no mailbox (here )?(by that name|for)|bad (destination )?mailbox|mailbox (name )?not allowed|not (a )?known user|(is|was) not found|address rejected|undeliverable address|doesn'?t have an? .{1,40} account|not listed in|no valid recipient|unknown or illegal alias|does not have an account|address (is )?not (valid|present)|cannot find (the )?recipient|recipient name is not recognized|recipientnotfound|user (account )?(is )?(not|no longer) (in|on|present|here)|dosn'?t exist|non-?existent user|no account/i],
  ['networkerror', /name service error|name server|dns (lookup )?(failure|timeout|timed out|error)|temporary (dns|lookup) failure|lookup (failure|timed out)/i],
  ['blocked', /access denied|denied access/i],
  ['rejected', /mail from|return path|from address|rejected (by|from) sender|not allowed to send|refused by the recipient/i],
  ['filtered', /filter|rejected by (the )?recipient|recipient (has )?(refused|rejected)|message (was )?(refused|rejected) by|delivery not authorized|denied by (the )?recipient|access to the recipient is denied|refused to accept/i],
  ['policyviolation', /polic(y|ies)|prohibited|not permitted|not allowed|violat|forbidden|denied/i],
  ['contenterror', /content|encoding|mime|attachment|8-?bit|header/i],
  ['syntaxerror', /syntax error|command (not )?(recognized|unrecognized|not implemented)|bad sequence of commands|unrecognized command|line too long/i],
  ['mailererror', /mailer|command (died|failed)|program|procmail|pipe|local delivery failed|exit (code|status)|\bsh\b:/i],
  ['networkerror', /timed? ?out|network|no route to host|host unreachable|connection (reset|closed|lost|dropped|refused|failed)|could not connect|couldn'?t connect|unable to connect|lost connection|broken pipe|tls (negotiation|handshake)|conversation with .{0,60}(failed|timed out)/i],
  ['systemerror', /system (error|failure|problem)|internal (error|server error)|local (error|problem|configuration)|server (error|failure|configuration)|temporar(y|ily) (failure|error|problem)|try again later|service (not )?available|unavailable|routing loop|mail loop|loops? (back|detected)|too many hops/i],
];

/** The reason the text describes, or undefined when no rule matches. */
export function reasonFromText(text: string): BounceReason | undefined {
  for (const [reason, re] of RULES) if (re.test(text)) return reason;
  return undefined;
}

const BY_STATUS: Record<string, BounceReason> = {
  '1.0': 'userunknown', '1.1': 'userunknown', '1.2': 'hostunknown', '1.3': 'userunknown', '1.4': 'userunknown',
  '1.5': 'delivered', '1.6': 'hasmoved', '1.7': 'rejected', '1.8': 'rejected', '1.9': 'hasmoved', '1.10': 'notaccept',
  '2.0': 'filtered', '2.1': 'suspend', '2.2': 'mailboxfull', '2.3': 'exceedlimit', '2.4': 'systemerror',
  '3.0': 'systemerror', '3.1': 'systemfull', '3.2': 'systemerror', '3.3': 'systemerror', '3.4': 'mesgtoobig', '3.5': 'systemerror',
  '4.0': 'networkerror', '4.1': 'networkerror', '4.2': 'networkerror', '4.3': 'systemerror', '4.4': 'hostunknown',
  '4.5': 'systemerror', '4.6': 'networkerror', '4.7': 'expired',
  '5.0': 'syntaxerror', '5.1': 'syntaxerror', '5.2': 'syntaxerror', '5.3': 'syntaxerror', '5.4': 'syntaxerror', '5.5': 'syntaxerror',
  '6.0': 'contenterror', '6.1': 'contenterror', '6.2': 'contenterror', '6.3': 'contenterror', '6.4': 'contenterror', '6.5': 'contenterror',
  '7.0': 'securityerror', '7.1': 'blocked', '7.2': 'securityerror', '7.3': 'securityerror', '7.4': 'securityerror',
  '7.5': 'securityerror', '7.6': 'securityerror', '7.7': 'securityerror', '7.8': 'securityerror', '7.9': 'policyviolation',
  '7.10': 'securityerror', '7.13': 'suspend', '7.14': 'securityerror', '7.15': 'securityerror', '7.16': 'securityerror', '7.17': 'suspend',
  '7.18': 'suspend', '7.19': 'suspend', '7.20': 'authfailure', '7.21': 'authfailure', '7.22': 'authfailure', '7.23': 'authfailure',
  '7.24': 'authfailure', '7.25': 'requireptr', '7.26': 'authfailure', '7.27': 'notaccept', '7.28': 'speeding',
};

/** The reason a status code implies on its own (subject.detail only). */
export function reasonFromStatus(status: string | undefined): BounceReason | undefined {
  if (!status) return undefined;
  const key = status.slice(status.indexOf('.') + 1);
  if (status[0] === '2') return 'delivered';
  return BY_STATUS[key];
}

const STATUS_FOR: Partial<Record<BounceReason, string>> = {
  userunknown: '5.1.1', hostunknown: '5.1.2', hasmoved: '5.1.6', notaccept: '5.1.10', suspend: '5.2.1',
  mailboxfull: '5.2.2', exceedlimit: '5.2.3', mesgtoobig: '5.3.4', systemfull: '5.3.1',
  blocked: '5.7.1', rejected: '5.1.8', filtered: '5.2.0', spamdetected: '5.7.1', virusdetected: '5.7.1',
  contenterror: '5.6.0', policyviolation: '5.7.0', securityerror: '5.7.0', authfailure: '5.7.26',
  requireptr: '5.7.25', badreputation: '5.7.1', notcompliantrfc: '5.6.0', norelaying: '5.7.1',
  speeding: '4.7.0', toomanyconn: '4.3.2', expired: '4.4.7', networkerror: '4.4.1', systemerror: '4.3.0',
  mailererror: '5.3.0', syntaxerror: '5.5.0', onhold: '5.0.0', undefined: '5.0.0', delivered: '2.0.0',
};

/** A status code for a reason when the report has none, in the given class. */
export function statusForReason(reason: BounceReason, cls: 4 | 5): string {
  const s = STATUS_FOR[reason] ?? '5.0.0';
  return `${cls}${s.slice(1)}`;
}

const ADDRESS_REASONS: ReadonlySet<BounceReason> = new Set(['userunknown', 'hostunknown', 'hasmoved', 'notaccept']);

/** Hard bounce: the address itself is bad and the failure permanent. */
export function isHard(reason: BounceReason | undefined, status: string | undefined): boolean {
  return reason !== undefined && ADDRESS_REASONS.has(reason) && status?.[0] === '5';
}
