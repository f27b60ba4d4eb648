import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './run-command.js';
import { LAB_HOST_NAME, LAB_REALM, type LabPaths } from './lab-layout.js';

/**
 * A throwaway CA and a server certificate valid for 127.0.0.1, ::1, localhost and the DC's
 * name, so that clients verify the lab's LDAPS certificate instead of disabling verification.
 */
export async function ensureLabTls(
  paths: LabPaths,
): Promise<{ keyFile: string; certFile: string }> {
  const keyFile = path.join(paths.tlsDir, 'server-key.pem');
  const certFile = path.join(paths.tlsDir, 'server-cert.pem');
  if (existsSync(paths.caFile) && existsSync(certFile) && existsSync(keyFile)) {
    return { keyFile, certFile };
  }
  await mkdir(paths.tlsDir, { recursive: true, mode: 0o700 });
  const caKey = path.join(paths.tlsDir, 'ca-key.pem');
  const csr = path.join(paths.tlsDir, 'server.csr');
  const extFile = path.join(paths.tlsDir, 'server.ext');
  const fqdn = `${LAB_HOST_NAME}.${LAB_REALM.toLowerCase()}`;
  await writeFile(
    extFile,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:${fqdn},DNS:${LAB_HOST_NAME}`,
      '',
    ].join('\n'),
  );
  const days = '3650';
  await runCommand('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    paths.caFile,
    '-days',
    days,
    '-subj',
    '/CN=Ferry Lab CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await runCommand('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csr,
    '-subj',
    `/CN=${fqdn}`,
  ]);
  await runCommand('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    paths.caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    days,
    '-extfile',
    extFile,
  ]);
  return { keyFile, certFile };
}
