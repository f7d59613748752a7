/**
 * `outpost scan FILE… | -  [--explain] [--model FILE] [--recipients N] [--mail-from ADDR] [--tenant ID]`
 * prints one JSON line per message ({file, class, score, reasons, fingerprint}),
 * like rspamc/spamc; --explain prints a readable block instead. `outpost scan
 * train …` is delegated to trainCommand. Same scanner and model as the gateway.
 *
 * Exit codes: 0 all messages scanned, 1 some file could not be read or the model
 * could not be loaded, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { explainVerdict } from './explain.js';
import type { ScanContext, ScannerOptions } from './options.js';
import { createScanner } from './scanner.js';
import { trainCommand } from './train-command.js';

export interface CommandIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly stdin: AsyncIterable<Buffer | string>;
}

const USAGE = 'usage: outpost scan FILE... | -  [--explain] [--model FILE] [--recipients N] [--mail-from ADDR] [--tenant ID]\n       outpost scan train --corpus DIR|stdlib --out FILE\n';

async function readStdin(stdin: CommandIo['stdin']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

export async function scanCommand(args: string[], io: CommandIo): Promise<number> {
  if (args[0] === 'train') return trainCommand(args.slice(1), io);
  const files: string[] = [];
  let explain = false;
  let modelPath: string | undefined;
  let recipients = 1;
  let mailFrom = '';
  let tenantId: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--explain') explain = true;
    else if (a === '--model') modelPath = args[++i];
    else if (a === '--recipients') recipients = Number(args[++i]);
    else if (a === '--mail-from') mailFrom = args[++i] ?? '';
    else if (a === '--tenant') tenantId = args[++i];
    else if (a === '-h' || a === '--help') {
      io.stdout.write(USAGE);
      return 0;
    } else if (a.startsWith('--')) {
      io.stderr.write(`outpost scan: unknown option ${a}\n${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0 || !Number.isInteger(recipients) || recipients < 0 || (modelPath === undefined && args.includes('--model'))) {
    io.stderr.write(USAGE);
    return 2;
  }
  const options: ScannerOptions = modelPath !== undefined ? { modelPath } : {};
  let scanner;
  try {
    scanner = createScanner(options);
  } catch (err) {
    io.stderr.write(`outpost scan: ${(err as Error).message}\n`);
    return 1;
  }
  let status = 0;
  const ctx: ScanContext = { recipientCount: recipients, mailFrom, ...(tenantId !== undefined ? { tenantId } : {}) };
  for (const f of files) {
    let raw: Buffer;
    try {
      raw = f === '-' ? await readStdin(io.stdin) : await readFile(f);
    } catch (err) {
      io.stderr.write(`outpost scan: ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      status = 1;
      continue;
    }
    const v = await scanner.scan(raw, ctx);
    io.stdout.write(explain ? explainVerdict(f, v) : JSON.stringify({ file: f, class: v.class, score: v.score, reasons: v.reasons, fingerprint: v.fingerprint }) + '\n');
  }
  return status;
}
