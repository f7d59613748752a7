/**
 * The gateway's TLS key and certificate: the configured PEM files, or a
 * self-signed pair generated once under dataDir/tls on first start (so that
 * `npm start` offers STARTTLS and implicit TLS with no set-up). Clients must
 * be told to skip verification for the self-signed one; operators configure
 * `tls.cert` / `tls.key` for real deployments.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  readonly selfSigned: boolean;
}

export async function loadOrCreateTls(dataDir: string, hostname: string, configured?: { cert: string; key: string }): Promise<TlsMaterial> {
  if (configured) {
    return { key: readFileSync(configured.key, 'utf8'), cert: readFileSync(configured.cert, 'utf8'), selfSigned: false };
  }
  const dir = join(dataDir, 'tls');
  const keyFile = join(dir, 'self-signed.key');
  const certFile = join(dir, 'self-signed.crt');
  if (existsSync(keyFile) && existsSync(certFile)) {
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), selfSigned: true };
  }
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, selfSigned: true };
}
