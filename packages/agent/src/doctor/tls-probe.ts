import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { check, type CheckResult } from './doctor-check.js';

export interface CertificateFacts {
  readonly subject: string;
  readonly names: readonly string[];
  readonly sha256: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
  /** Why the URL's host is not one of the names, or undefined when it is. */
  readonly nameMismatch: string | undefined;
}

/** The names a certificate holds: its subject alternative names (DNS and IP), else its CN. */
function namesOf(cert: PeerCertificate): string[] {
  const alt = (cert.subjectaltname ?? '')
    .split(',')
    .map((part) => part.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  const cn = cert.subject?.CN;
  return alt.length > 0 ? alt : cn ? [String(cn)] : [];
}

/** Connects to a DC's LDAPS port and reads its certificate, trusted or not. */
export function probeCertificate(
  url: string,
  caFile: string | undefined,
  timeoutMs: number,
): Promise<CertificateFacts> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port: Number(port || 636),
      ...(caFile ? { ca: readFileSync(caFile) } : {}),
      // Read the certificate even when it fails, to say why; nothing is sent over it.
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const identityError = checkServerIdentity(host, cert);
      resolve({
        subject: Object.entries(cert.subject ?? {})
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', '),
        names: namesOf(cert),
        sha256: cert.fingerprint256,
        validFrom: cert.valid_from,
        validTo: cert.valid_to,
        // Node counts a name mismatch as unauthorized too; that is the names check's finding.
        authorized:
          socket.authorized || String(socket.authorizationError) === 'ERR_TLS_CERT_ALTNAME_INVALID',
        authorizationError: socket.authorizationError
          ? String(socket.authorizationError)
          : undefined,
        nameMismatch: identityError?.message,
      });
      socket.end();
    });
  });
}

/** LDAPS reachable, certificate trusted, certificate valid for the URL's host: one URL. */
export async function certificateChecks(
  url: string,
  caFile: string | undefined,
  timeoutMs: number,
): Promise<{ results: CheckResult[]; usable: boolean }> {
  let facts: CertificateFacts;
  try {
    facts = await probeCertificate(url, caFile, timeoutMs);
  } catch (error) {
    return {
      usable: false,
      results: [
        check(
          `ldaps_reachable`,
          `LDAPS reachable: ${url}`,
          'fail',
          `connecting failed: ${(error as Error).message}`,
          `Check that the DC listens on LDAPS (636) and that a firewall lets this host reach it; ldapUrls must use ldaps://.`,
        ),
      ],
    };
  }
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const described = `subject ${facts.subject}; names ${facts.names.join(', ') || '(none)'}; SHA-256 ${facts.sha256}; valid ${facts.validFrom} to ${facts.validTo}`;
  const trusted = check(
    'certificate_trusted',
    `DC certificate trusted: ${url}`,
    facts.authorized ? 'pass' : 'fail',
    facts.authorized
      ? `trusted (${caFile ? `CA file ${caFile}` : 'system store'}); ${described}`
      : `not trusted: ${facts.authorizationError} (${caFile ? `CA file ${caFile}` : 'system store'}); ${described}`,
    `Set ldapCaFile to the PEM file of the CA that issued the DC's certificate (on Windows, export the issuing CA from the DC's certificate chain; on Samba, private/tls/ca.pem), or add that CA to the system store.`,
  );
  const named = check(
    'certificate_names',
    `DC certificate valid for host ${host}`,
    facts.nameMismatch ? 'fail' : 'pass',
    facts.nameMismatch
      ? `the URL's host "${host}" is not a name the certificate holds (${facts.names.join(', ') || 'none'}): ${facts.nameMismatch}`
      : `"${host}" is among the certificate's names (${facts.names.join(', ')})`,
    `Use one of the certificate's names in ldapUrls, e.g. ldaps://${facts.names.find((name) => !/^[\d.:]+$/.test(name)) ?? facts.names[0] ?? 'dc.example.com'}:636 (the name must resolve to the DC from this host), or issue the DC a certificate that names "${host}".`,
  );
  return {
    usable: facts.authorized && !facts.nameMismatch,
    results: [
      check(
        'ldaps_reachable',
        `LDAPS reachable: ${url}`,
        'pass',
        `TLS handshake with ${url} completed`,
      ),
      trusted,
      named,
    ],
  };
}
