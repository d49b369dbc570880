/** A self-signed certificate for 127.0.0.1 made by openssl (the TLS tests; openssl must be installed). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SelfSignedCertificate {
  /** PEM texts. */
  readonly cert: string;
  readonly key: string;
  /** The files they were written to, in `dir`. */
  readonly certFile: string;
  readonly keyFile: string;
}

/** Writes `key.pem` and `cert.pem` (RSA 2048, one day, CN and subjectAltName 127.0.0.1) into `dir`. */
export function selfSignedCertificate(dir: string): SelfSignedCertificate {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}
