/**
 * Outgoing identity: DKIM keys, sealed key storage, the tenant-identifying
 * headers (Feedback-ID, CFBL) and the dual DKIM signer.
 */
export { createSigner, type Signer, type SignerOptions, type SignRequest, type SignResult, type SignatureInfo, type SigningKey, type TenantSigning } from './signer.js';
export { generateDkimKey, publicDnsValueFor, dnsTxtStrings, dnsValueMatches, dkimRecordName, loadPrivateKey, type DkimKeyAlgo, type DkimKeyPair, type DkimAlgorithm } from './dkim-key.js';
export { sealKey, openKey, isSealed, parseMasterKey } from './key-seal.js';
export { formatFeedbackId, parseFeedbackId, validateFeedbackId, type FeedbackIdParts } from './tenant-headers.js';
export { SignError, type SignErrorCode } from './errors.js';
export { DkimKeyStore, KeyStoreError, type DkimKeyRecord } from './key-store.js';
