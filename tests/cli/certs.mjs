// Certificates for the TLS tests, made for the run by the openssl command in a
// temporary folder: a test CA; server certificates it signed for localhost and
// 127.0.0.1 ("server") and for another host ("elsewhere"); a client certificate
// ("client"); a self-signed server certificate ("self"). file(name) is a path in
// the folder (server.pem, server.key, ca.pem, ...); remove() deletes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), 'twinsock-tls-'));
  const file = (name) => join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const signed = (name, subject, extensions) => {
    openssl('req', ...newKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    writeFileSync(file(`${name}.ext`), `${extensions.join('\n')}\n`);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
            '-CAcreateserial', '-days', '2', '-out', file(`${name}.pem`), '-extfile', file(`${name}.ext`));
  };
  openssl('req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2',
          '-subj', '/CN=twinsock test CA');
  signed('server', '/CN=localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth']);
  signed('elsewhere', '/CN=elsewhere.invalid', ['subjectAltName=DNS:elsewhere.invalid', 'extendedKeyUsage=serverAuth']);
  signed('client', '/CN=twinsock client', ['extendedKeyUsage=clientAuth']);
  openssl('req', '-x509', ...newKey, '-keyout', file('self.key'), '-out', file('self.pem'), '-days', '2',
          '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
