/**
 * Hash seeds of the feature families: each family hashes into the same 2^bits
 * buckets with its own seed, so "free" as a body word and "free" as a subject
 * word are different features.
 *
 * Invariant: changing a value changes every hashed feature of that family, which
 * means bumping FEATURE_VERSION (../features.ts) and retraining.
 */
export const SEED = {
  word: 1, bigram: 2, subj: 3, urlDomain: 4, urlTld: 5, fromDomain: 6, fromTld: 7, fromName: 8, hname: 9,
  mailer: 10, ctype: 11, shape: 12, stat: 13, numShape: 14, subjStat: 15, defect: 16, msgid: 17, date: 18, tag: 19, hcase: 20, horder: 21,
  subjTrigram: 22,
} as const;

/** Seed for the value words of header `name` (one namespace per header field). */
export const HEADER_VALUE_SALT = 77;
