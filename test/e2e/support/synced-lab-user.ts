import type { LabAccount, LabState } from '@ferry/lab';
import type { LabFixture } from '../../../packages/agent/test/support/lab.js';
import type { FerrySystem } from './ferry-system.js';

export interface SyncedLabUser {
  readonly account: LabAccount;
  readonly userId: string;
  readonly objectGUID: string;
}

/** A lab user (new, or a named fixture) made known to the cloud as a synced user. */
export async function syncedLabUser(
  lab: LabFixture,
  system: FerrySystem,
  options: { fixture?: string; group?: keyof LabState['groups']; mustChange?: boolean } = {},
): Promise<SyncedLabUser> {
  const account = options.fixture
    ? lab.state.users[options.fixture]!
    : await lab.newUser({
        ...(options.group ? { group: options.group } : {}),
        ...(options.mustChange ? { mustChange: true } : {}),
      });
  const found = await lab
    .connector()
    .findUser({ by: 'sAMAccountName', value: account.sAMAccountName });
  if (!found.ok) throw new Error(`lab user ${account.sAMAccountName} not found`);
  const userId = await system.syncUser(account, found.user.objectGUID);
  return { account, userId, objectGUID: found.user.objectGUID };
}
