/**
 * Outpost's outbound scanner (issue 4): message in, typed Verdict out.
 * See docs/scanner.md for rules, weights, thresholds, the model and adapters.
 */
export { createScanner } from './scanner.js';
export type { Scanner, ScannerDeps, ScanLogEvent } from './scanner.js';
export { defaultRuleWeights, defaultThresholds, ScannerConfigError } from './options.js';
export type { AdapterOptions, RuleName, RuleWeights, ScanContext, ScannerOptions, Thresholds, UriBlocklistOptions } from './options.js';
export { scanCommand } from './cli.js';
export type { CommandIo } from './cli.js';
export { trainCommand } from './train-command.js';
export { fingerprintBands, fingerprintDistance } from './fingerprint.js';
export { loadModel, shippedModelPath } from './model-file.js';
export { ModelError } from './model.js';
export { RULES } from './rules/index.js';
