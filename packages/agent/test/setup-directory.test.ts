import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { labClient, requireLabState, requireOpenLdapState } from '@ferry/lab';
import type { Client } from 'ldapts';
import { findDomainControllers } from '../src/setup/dc-discovery.js';
import { readDirectoryFacts } from '../src/setup/directory-facts.js';
import { listOus } from '../src/setup/scope-step.js';
import { dialects } from './support/directory-lab.js';

/** What the setup wizard reads from each lab directory, bound as its service account. */
for (const dialect of dialects) {
  describe(`setup wizard's directory reads (${dialect} lab)`, () => {
    let client: Client | undefined;
    const open = async () => {
      const state = dialect === 'ad' ? await requireLabState() : await requireOpenLdapState();
      client = labClient(state.ldapsUrl, state.caFile);
      await client.bind(state.serviceAccount.dn, state.serviceAccount.password);
      return { state, client };
    };
    after(async () => {
      await client?.unbind().catch(() => undefined);
    });

    test('the dialect is detected from the rootDSE, the base DN offered is the directory root', async () => {
      const { state, client } = await open();
      const facts = await readDirectoryFacts(client);
      assert.equal(facts.dialect, dialect, facts.evidence);
      assert.equal(facts.defaultBaseDn?.toLowerCase(), state.baseDn.toLowerCase());
      const ous = await listOus(client, state.baseDn);
      assert.ok(
        ous.some((dn) => dn.toLowerCase() === state.ous.staff.toLowerCase()),
        `the staff OU is offered: ${ous.join('; ')}`,
      );
      if (dialect === 'ad') {
        assert.ok(facts.dnsHostName, 'an AD DC names itself');
        // Without the rootDSE's own name, the configuration partition still lists the DC.
        const found = await findDomainControllers(
          client,
          { ...facts, dnsHostName: undefined },
          200,
        );
        const dc = found.find((each) => each.host === facts.dnsHostName!.toLowerCase());
        assert.equal(dc?.source, 'configuration partition', JSON.stringify(found));
      }
    });
  });
}
