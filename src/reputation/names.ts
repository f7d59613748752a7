/**
 * The vocabulary of the reputation engine, shared by the config schema, the
 * rules, the engine and the CLI: the named sliding windows, the signals a
 * threshold rule can test and the ordered tenant standings.
 * Plain constants only (no imports), so the config schema can use them.
 */

/** Named sliding windows; their lengths are configuration (reputation.windows). */
export const WINDOW_NAMES = ['minute', 'short', 'hour', 'day'] as const;
export type WindowName = (typeof WINDOW_NAMES)[number];

/**
 * What a rule can test, computed per window:
 * - spamShare: spam verdicts / scanned messages
 * - suspectShare: (spam + suspect) / scanned
 * - bounceRate: hard bounces (unknown recipients included) / final outcomes (delivered + hard)
 * - unknownRecipientRate: unknown-recipient bounces (5.1.1, 5.1.10) / final outcomes
 * - complaintRate: complaints / delivered recipients
 * - pushbackRate: (slow-down + blocked replies) / recipient attempts
 * - newDestinationShare: recipient domains never seen before for this tenant / recipient domains submitted
 * - campaignShare: messages whose fingerprint was seen at ≥ campaign.minTenants tenants / scanned
 * - volumeRatio: recipients in the window, scaled to the baseline period, / the tenant's baseline
 * - messages, recipients, distinctDomains: plain counts in the window
 */
export const SIGNAL_NAMES = [
  'spamShare', 'suspectShare', 'bounceRate', 'unknownRecipientRate', 'complaintRate', 'pushbackRate',
  'newDestinationShare', 'campaignShare', 'volumeRatio', 'messages', 'recipients', 'distinctDomains',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Standings in order of severity (index = rank). */
export const STANDINGS = ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended'] as const;
/** Standings a rule can move a tenant to. */
export const LEVEL_NAMES = ['watch', 'throttled', 'high-risk-only', 'suspended'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];
