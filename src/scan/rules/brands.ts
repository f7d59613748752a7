/**
 * Brands that phishing impersonates, with the registrable-domain labels that
 * legitimately send for them. Data, not code: extend freely.
 *
 * `label` is the brand's main domain label (paypal in paypal.com); a domain whose
 * label equals it under any public suffix counts as the brand's own (paypal.de).
 * `ambiguous` brands are ordinary words (apple, chase, visa): a display name
 * must also contain an account-ish cue word before it counts as impersonation.
 */

export interface Brand {
  readonly name: string;
  /** Lower-case tokens/phrases that name the brand in a display name. */
  readonly names: readonly string[];
  readonly label: string;
  /** Other registrable domains the brand legitimately uses. */
  readonly domains: readonly string[];
  readonly ambiguous?: boolean;
}

export const BRANDS: readonly Brand[] = [
  { name: 'PayPal', names: ['paypal'], label: 'paypal', domains: ['paypalobjects.com', 'paypal-communication.com', 'paypal.me'] },
  { name: 'Apple', names: ['apple', 'icloud', 'itunes', 'apple id'], label: 'apple', domains: ['icloud.com', 'me.com', 'mac.com', 'itunes.com', 'apple.news'], ambiguous: true },
  { name: 'Microsoft', names: ['microsoft', 'office 365', 'office365', 'outlook', 'onedrive', 'sharepoint', 'microsoft 365', 'windows live', 'hotmail'], label: 'microsoft', domains: ['live.com', 'outlook.com', 'office.com', 'office365.com', 'microsoftonline.com', 'hotmail.com', 'sharepoint.com', 'onedrive.com', 'msn.com', 'microsoft365.com', 'azure.com', 'windows.net', 'skype.com'] },
  { name: 'Amazon', names: ['amazon', 'amazon prime', 'aws'], label: 'amazon', domains: ['amazonaws.com', 'amazonses.com', 'primevideo.com', 'a2z.com'] },
  { name: 'Google', names: ['google', 'gmail', 'google workspace', 'youtube'], label: 'google', domains: ['gmail.com', 'googlemail.com', 'youtube.com', 'googleusercontent.com', 'withgoogle.com', 'goo.gl'] },
  { name: 'Netflix', names: ['netflix'], label: 'netflix', domains: ['netflix.net', 'nflxext.com'] },
  { name: 'DHL', names: ['dhl', 'dhl express'], label: 'dhl', domains: ['dhl-news.com'] },
  { name: 'FedEx', names: ['fedex'], label: 'fedex', domains: [] },
  { name: 'UPS', names: ['ups'], label: 'ups', domains: [], ambiguous: true },
  { name: 'USPS', names: ['usps', 'postal service'], label: 'usps', domains: ['usps.gov'] },
  { name: 'DocuSign', names: ['docusign'], label: 'docusign', domains: ['docusign.net'] },
  { name: 'Dropbox', names: ['dropbox'], label: 'dropbox', domains: ['dropboxmail.com'] },
  { name: 'LinkedIn', names: ['linkedin'], label: 'linkedin', domains: ['lnkd.in'] },
  { name: 'Facebook', names: ['facebook', 'meta'], label: 'facebook', domains: ['facebookmail.com', 'fb.com', 'meta.com', 'instagram.com', 'whatsapp.com'] },
  { name: 'Instagram', names: ['instagram'], label: 'instagram', domains: ['facebookmail.com', 'mail.instagram.com'] },
  { name: 'Chase', names: ['chase', 'jpmorgan chase'], label: 'chase', domains: ['jpmorgan.com', 'jpmorganchase.com'], ambiguous: true },
  { name: 'Wells Fargo', names: ['wells fargo', 'wellsfargo'], label: 'wellsfargo', domains: [] },
  { name: 'Bank of America', names: ['bank of america', 'bankofamerica'], label: 'bankofamerica', domains: ['bofa.com', 'ealerts.bankofamerica.com'] },
  { name: 'Citibank', names: ['citibank', 'citi'], label: 'citibank', domains: ['citi.com', 'citigroup.com'] },
  { name: 'HSBC', names: ['hsbc'], label: 'hsbc', domains: [] },
  { name: 'Barclays', names: ['barclays'], label: 'barclays', domains: [] },
  { name: 'American Express', names: ['american express', 'amex'], label: 'americanexpress', domains: ['aexp.com', 'amex.com'] },
  { name: 'Visa', names: ['visa'], label: 'visa', domains: [], ambiguous: true },
  { name: 'Coinbase', names: ['coinbase'], label: 'coinbase', domains: [] },
  { name: 'Binance', names: ['binance'], label: 'binance', domains: [] },
  { name: 'Adobe', names: ['adobe', 'adobe sign', 'adobe acrobat'], label: 'adobe', domains: ['adobesign.com', 'echosign.com'] },
  { name: 'Zoom', names: ['zoom'], label: 'zoom', domains: ['zoom.us'], ambiguous: true },
  { name: 'eBay', names: ['ebay'], label: 'ebay', domains: [] },
  { name: 'WeTransfer', names: ['wetransfer'], label: 'wetransfer', domains: [] },
  { name: 'IRS', names: ['irs', 'internal revenue service'], label: 'irs', domains: ['irs.gov'] },
  { name: 'HMRC', names: ['hmrc'], label: 'hmrc', domains: ['hmrc.gov.uk', 'gov.uk'] },
  { name: 'Royal Mail', names: ['royal mail', 'royalmail'], label: 'royalmail', domains: [] },
  { name: 'Steam', names: ['steam'], label: 'steampowered', domains: ['steamcommunity.com'], ambiguous: true },
  { name: 'Norton', names: ['norton', 'norton lifelock'], label: 'norton', domains: ['nortonlifelock.com'] },
  { name: 'MetaMask', names: ['metamask'], label: 'metamask', domains: [] },
];

/** Words that, next to an ambiguous brand name, make a display name an account notice. */
export const CUE_WORDS = /\b(support|id|account|accounts|security|billing|service|services|team|customer|verification|verify|alert|alerts|notice|help ?desk|payments?|online|secure|store|card|delivery|tracking|wallet|login)\b/;

/** Brand labels worth checking for lookalikes (long enough not to collide with words). */
const TARGETS = BRANDS.filter((b) => b.label.length >= 5);
export function lookalikeTargets(): readonly Brand[] {
  return TARGETS;
}

/** Does this registrable domain belong to the brand? */
export function isBrandDomain(brand: Brand, domain: string, domainLabel: string): boolean {
  return domainLabel === brand.label || brand.domains.includes(domain) || brand.domains.some((d) => domain.endsWith('.' + d));
}
