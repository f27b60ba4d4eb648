import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import {
  describeCertificate,
  hostOf,
  mismatchExplanation,
  probeCertificate,
  sameFingerprint,
  suggestedUrl,
} from './certificate-review.js';
import { readDirectoryFacts, type Dialect, type DirectoryFacts } from './directory-facts.js';
import type { Prompter } from './prompter.js';
import { SetupError } from './setup-error.js';
import { dcUrl, problemOf } from './setup-flags.js';

const TIMEOUT_MS = 10_000;

/** Flags that answer the directory questions. */
export interface DirectoryFlags {
  readonly dc?: readonly string[] | undefined;
  readonly 'ca-file'?: string | undefined;
  readonly fingerprint?: string | undefined;
  readonly 'bind-dn'?: string | undefined;
  readonly 'bind-password-file'?: string | undefined;
  readonly directory?: string | undefined;
}

export interface ConnectedDirectory {
  readonly url: string;
  readonly caFile: string | undefined;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly dialect: Dialect;
  readonly facts: DirectoryFacts;
  /** Bound as the service account; the caller unbinds it. */
  readonly client: Client;
}

/**
 * One DC's certificate, reviewed: reachable, trusted (asking for the CA file when it is not),
 * naming the URL's host (offering a name it holds when it does not), and confirmed by the
 * admin (or by --fingerprint). Returns the URL to use and the CA file, or undefined to ask again.
 */
export async function reviewDc(
  prompter: Prompter,
  typedUrl: string,
  caFile: string | undefined,
  expectedFingerprint: string | undefined,
): Promise<{ url: string; caFile: string | undefined } | undefined> {
  let url = typedUrl;
  for (;;) {
    const facts = await probeCertificate(url, caFile, TIMEOUT_MS).catch((error: Error) => {
      if (!prompter.interactive) throw new SetupError('dc_unreachable', `${url}: ${error.message}`);
      prompter.say(`Cannot reach ${url} over LDAPS: ${error.message}`);
      return undefined;
    });
    if (!facts) return undefined;
    prompter.say(describeCertificate(url, facts));
    if (!facts.authorized) {
      const why = `The certificate is not trusted (${facts.authorizationError ?? 'unknown'}) with ${caFile ? `the CA file ${caFile}` : "this host's CA store"}.`;
      if (!prompter.interactive)
        throw new SetupError(
          'certificate_untrusted',
          `${why} Give --ca-file: the PEM file of the CA that signed it.`,
        );
      prompter.say(why);
      caFile = await prompter.ask("PEM file of the CA that signed the DC's certificate", {
        flag: '--ca-file',
        validate: (file) => problemOf(() => readFileSync(file)),
      });
      continue;
    }
    if (facts.nameMismatch) {
      const explanation = mismatchExplanation(url, facts);
      const instead = await suggestedUrl(url, facts);
      if (!prompter.interactive)
        throw new SetupError(
          'certificate_name_mismatch',
          `${explanation}${instead ? `\nFor example: --dc ${instead}` : ''}`,
        );
      prompter.say(explanation);
      if (!instead || !(await prompter.confirm(`Use ${instead} instead?`, true))) return undefined;
      url = instead;
      continue;
    }
    if (expectedFingerprint && !sameFingerprint(expectedFingerprint, facts.sha256))
      throw new SetupError(
        'fingerprint_mismatch',
        `${url} presents SHA-256 ${facts.sha256}, not the --fingerprint given (${expectedFingerprint})`,
      );
    const confirmed = expectedFingerprint
      ? true
      : await prompter.confirm(`Is this the certificate of your DC ${hostOf(url)}?`, false, true);
    return confirmed ? { url, caFile } : undefined;
  }
}

function newClient(url: string, caFile: string | undefined): Client {
  return new Client({
    url,
    timeout: TIMEOUT_MS,
    connectTimeout: TIMEOUT_MS,
    tlsOptions: { minVersion: 'TLSv1.2', ...(caFile ? { ca: readFileSync(caFile) } : {}) },
  });
}

/** The service account, its bind tested at once (asked again on a terminal when it fails). */
async function bindServiceAccount(
  prompter: Prompter,
  flags: DirectoryFlags,
  url: string,
  caFile: string | undefined,
): Promise<{ client: Client; bindDn: string; bindPassword: string }> {
  let fromFlags = true;
  for (;;) {
    const bindDn =
      (fromFlags ? flags['bind-dn'] : undefined) ??
      (await prompter.ask('Service account DN', { flag: '--bind-dn' }));
    const file = fromFlags ? flags['bind-password-file'] : undefined;
    const bindPassword = file
      ? readFileSync(file, 'utf8').replace(/\r?\n$/, '')
      : await prompter.secret(`Password of ${bindDn}`, { flag: '--bind-password-file' });
    const client = newClient(url, caFile);
    try {
      await client.bind(bindDn, bindPassword);
      prompter.say(`Bound to ${url} as ${bindDn}.`);
      return { client, bindDn, bindPassword };
    } catch (error) {
      await client.unbind().catch(() => undefined);
      const reason = `The bind as ${bindDn} failed: ${(error as Error).message}`;
      if (!prompter.interactive) throw new SetupError('bind_failed', reason);
      prompter.say(`${reason}\nCheck the DN and the password.`);
      fromFlags = false;
    }
  }
}

/** Asks for the first DC until its certificate is confirmed, binds, and detects the dialect. */
export async function connectDirectory(
  prompter: Prompter,
  flags: DirectoryFlags,
): Promise<ConnectedDirectory> {
  let typed = flags.dc?.[0];
  let reviewed: { url: string; caFile: string | undefined } | undefined;
  while (!reviewed) {
    const answer =
      typed ??
      (await prompter.ask('Domain controller (host name or ldaps:// URL)', {
        flag: '--dc',
        validate: (text) => problemOf(() => dcUrl(text)),
      }));
    typed = undefined;
    let url: string;
    try {
      url = dcUrl(answer);
    } catch (error) {
      throw new SetupError('answer_invalid', `--dc: ${(error as Error).message}`);
    }
    reviewed = await reviewDc(prompter, url, flags['ca-file'], flags.fingerprint);
    if (!reviewed && !prompter.interactive)
      throw new SetupError('certificate_refused', `${url}: certificate not confirmed`);
  }
  const { url, caFile } = reviewed;
  const { client, bindDn, bindPassword } = await bindServiceAccount(prompter, flags, url, caFile);
  const facts = await readDirectoryFacts(client);
  prompter.say(`Directory: ${facts.evidence}.`);
  const chosen = flags.directory ?? facts.dialect;
  if (chosen !== 'ad' && chosen !== 'openldap') {
    await client.unbind().catch(() => undefined);
    throw new SetupError(
      'dialect_unknown',
      `${flags.directory ? `--directory ${flags.directory} is not ad or openldap` : facts.evidence}; give --directory ad or --directory openldap`,
    );
  }
  return { url, caFile, bindDn, bindPassword, dialect: chosen, facts, client };
}
