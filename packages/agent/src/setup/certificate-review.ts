import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { probeCertificate, type CertificateFacts } from '../doctor/tls-probe.js';

export { probeCertificate, type CertificateFacts };

/** The certificate as the admin confirms it: subject, names, fingerprint, validity. */
export function describeCertificate(url: string, facts: CertificateFacts): string {
  return [
    `Certificate of ${url}:`,
    `  subject:  ${facts.subject}`,
    `  names:    ${facts.names.join(', ') || '(none)'}`,
    `  SHA-256:  ${facts.sha256}`,
    `  valid:    ${facts.validFrom} to ${facts.validTo}`,
    `  trusted:  ${facts.authorized ? 'yes' : `no (${facts.authorizationError ?? 'unknown'})`}`,
  ].join('\n');
}

/** Fingerprints compared without their colons and case. */
export function sameFingerprint(a: string, b: string): boolean {
  const bare = (text: string): string => text.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return bare(a) === bare(b) && bare(a).length === 64;
}

/** The URL's host as the certificate check sees it (IPv6 without brackets). */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

/** The same URL with another host. */
export function withHost(url: string, host: string): string {
  const parsed = new URL(url);
  return `ldaps://${isIP(host) === 6 ? `[${host}]` : host}:${parsed.port || '636'}`;
}

/** A name the certificate holds that resolves here (DNS names first), as a URL to use instead. */
export async function suggestedUrl(
  url: string,
  facts: CertificateFacts,
): Promise<string | undefined> {
  const names = [...facts.names].sort((a, b) => Number(isIP(a) > 0) - Number(isIP(b) > 0));
  for (const name of names) {
    if (name.includes('*')) continue;
    try {
      if (isIP(name) === 0) await lookup(name);
      return withHost(url, name);
    } catch {
      // This name does not resolve from here: the agent could not use it either.
    }
  }
  return undefined;
}

/** Why the agent would fail with this URL, said before it does. */
export function mismatchExplanation(url: string, facts: CertificateFacts): string {
  return [
    `The certificate does not name "${hostOf(url)}": it names ${facts.names.join(', ') || 'nothing'}.`,
    'The agent checks that the host in each ldaps:// URL is one of the names in the DC certificate',
    `(as every TLS client should), so ${url} would fail on every connection.`,
    'Use a name the certificate holds and that resolves to the DC from this host, or issue the DC a certificate that names this host.',
  ].join('\n');
}
