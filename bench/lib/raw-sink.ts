/**
 * A minimal, fast SMTP receiver for benchmarks: answers every command in
 * order (PIPELINING offered), finds the end of data with a Buffer search and
 * counts messages. It parses nothing else, so it is the ceiling a sender can
 * reach on this machine, not a model of a real MTA. Run it in its own process
 * (`fork` this file with `--child HOST`) so its CPU is not the sender's.
 */
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export interface RawSink {
  readonly port: number;
  count(): number;
  close(): void;
}

export function serveRawSink(host: string, port = 0): Promise<RawSink> {
  const EOD = Buffer.from('\r\n.\r\n');
  let received = 0;
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    s.write('220 raw.test ESMTP\r\n');
    let inData = false;
    let line = '';
    let tail = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      let pos = 0;
      let out = '';
      while (pos < chunk.length) {
        if (inData) {
          const buf = tail.length ? Buffer.concat([tail, chunk.subarray(pos)]) : chunk.subarray(pos);
          const i = buf.indexOf(EOD);
          if (i === -1) {
            tail = Buffer.from(buf.subarray(Math.max(0, buf.length - 4)));
            pos = chunk.length;
          } else {
            pos += i + EOD.length - tail.length;
            tail = Buffer.alloc(0);
            inData = false;
            received++;
            out += '250 2.0.0 ok\r\n';
          }
          continue;
        }
        const lf = chunk.indexOf(0x0a, pos);
        if (lf === -1) {
          line += chunk.toString('latin1', pos);
          break;
        }
        const cmd = (line + chunk.toString('latin1', pos, lf)).slice(0, 4).toUpperCase();
        line = '';
        pos = lf + 1;
        if (cmd === 'EHLO') out += '250-raw.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000\r\n';
        else if (cmd === 'DATA') {
          out += '354 go\r\n';
          inData = true;
          tail = Buffer.from('\r\n');
        } else if (cmd === 'QUIT') out += '221 bye\r\n';
        else out += '250 ok\r\n';
      }
      if (out) s.write(out);
    });
    s.on('error', () => undefined);
  });
  return new Promise((resolve) =>
    server.listen(port, host, () =>
      resolve({ port: (server.address() as net.AddressInfo).port, count: () => received, close: () => server.close() }),
    ),
  );
}

/** Child-process mode: report the port, answer {count} requests with the number received. */
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  const sink = await serveRawSink(process.argv[3] ?? '127.0.0.1', Number(process.argv[4] ?? 0));
  process.send?.({ port: sink.port });
  process.on('message', () => process.send?.({ count: sink.count() }));
}
