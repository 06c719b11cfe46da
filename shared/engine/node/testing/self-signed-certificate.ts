import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Test support: a throwaway self-signed certificate (EC P-256, valid one day) made with the openssl
// CLI, a test dependency (scripts/system-deps.mjs installs it). Used by the guarded fetch's tests
// and the runtime's TLS test.

/** Writes cert.pem and key.pem into `dir`; `altNames` are subjectAltName entries (`DNS:x`, `IP:y`). */
export function writeSelfSignedCertificate(
  dir: string,
  subject: { commonName: string; altNames: readonly string[] },
): { certFile: string; keyFile: string } {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${subject.commonName}`,
      '-addext',
      `subjectAltName=${subject.altNames.join(',')}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}
