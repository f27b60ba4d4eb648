import type { Client } from 'ldapts';
import { hostOf, withHost } from './certificate-review.js';
import { findDomainControllers } from './dc-discovery.js';
import type { DirectoryFacts } from './directory-facts.js';
import { reviewDc } from './directory-step.js';
import type { Prompter } from './prompter.js';
import { dcUrl } from './setup-flags.js';

/**
 * The other DCs: those given with --dc after the first, and (on a terminal) those the domain
 * lists, offered to tick. Each is reviewed like the first, with the same CA file.
 */
export async function chooseMoreDcs(
  prompter: Prompter,
  options: {
    readonly client: Client;
    readonly facts: DirectoryFacts;
    readonly firstUrl: string;
    readonly caFile: string | undefined;
    readonly givenDcs: readonly string[];
  },
): Promise<string[]> {
  const { client, facts, firstUrl, caFile } = options;
  const chosen = [firstUrl];
  const known = (url: string): boolean => chosen.some((have) => hostOf(have) === hostOf(url));
  for (const typed of options.givenDcs) {
    const url = dcUrl(typed);
    if (known(url)) continue;
    const reviewed = await reviewDc(prompter, url, caFile, undefined);
    if (reviewed) chosen.push(reviewed.url);
  }
  if (facts.dialect !== 'ad') return chosen;
  const found = await findDomainControllers(client, facts);
  const answering = facts.dnsHostName?.toLowerCase();
  const lines = found.map(
    (dc) =>
      `  ${dc.host} (${dc.source}${dc.host === answering ? `; the DC answering on ${firstUrl}` : ''}${dc.resolves ? '' : '; does not resolve from this host'})`,
  );
  prompter.say(
    found.length > 0
      ? `Domain controllers of this domain:\n${lines.join('\n')}`
      : 'No other domain controller found (configuration partition, DNS SRV).',
  );
  const offered = found.filter(
    (dc) => dc.resolves && dc.host !== answering && !known(withHost(firstUrl, dc.host)),
  );
  if (offered.length === 0 || !prompter.interactive) return chosen;
  const ticks = await prompter.checklist(
    'Also use these DCs (the agent fails over between them):',
    offered.map((dc) => ({ label: `ldaps://${dc.host}:${dc.port}`, checked: false })),
  );
  for (const [i, dc] of offered.entries()) {
    if (!ticks[i]) continue;
    const reviewed = await reviewDc(prompter, `ldaps://${dc.host}:${dc.port}`, caFile, undefined);
    if (reviewed && !known(reviewed.url)) chosen.push(reviewed.url);
  }
  return chosen;
}
