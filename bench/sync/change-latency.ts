import { Change, Attribute, type Client } from 'ldapts';
import { createLabUser, ensureEntry, replace, type LabState } from '@ferry/lab';
import type { Api } from '../../scripts/support/api.js';
import { summarize, type LatencySummary } from '../stats.js';

export type ChangeKind =
  'attribute' | 'disable' | 'enable' | 'group join' | 'group leave' | 'create' | 'delete';

export interface ChangeLatencyFigures {
  readonly all: LatencySummary;
  readonly byKind: Record<ChangeKind, LatencySummary>;
}

interface Target {
  readonly id: string;
  readonly dn: string;
}

const GROUP_NAME = 'Ferry Bench Latency';
const memberChange = (operation: 'add' | 'delete', dn: string): Change =>
  new Change({ operation, modification: new Attribute({ type: 'member', values: [dn] }) });

/**
 * The time from a change made in AD (as the domain admin, the way an AD admin makes it) to
 * the change visible in the cloud's API, polled every 20 ms: `rounds` rounds of seven kinds.
 */
export async function measureChangeLatency(
  lab: LabState,
  admin: Client,
  api: Api,
  targets: readonly Target[],
  rounds: number,
): Promise<ChangeLatencyFigures> {
  const groupDn = `CN=${GROUP_NAME},${lab.ous.bulk}`;
  await ensureEntry(admin, groupDn, {
    objectClass: ['top', 'group'],
    cn: GROUP_NAME,
    sAMAccountName: 'FerryBenchLatency',
  });
  const samples = new Map<ChangeKind, number[]>();
  const timed = async (
    kind: ChangeKind,
    change: () => Promise<void>,
    seen: () => Promise<boolean>,
  ) => {
    const began = performance.now();
    await change();
    while (!(await seen())) {
      if (performance.now() - began > 30_000)
        throw new Error(`${kind}: not in the cloud after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    samples.set(kind, [...(samples.get(kind) ?? []), performance.now() - began]);
  };
  const user = async (id: string) => api.get(`/api/v1/users/${id}`);
  const groupMembers = async (): Promise<string[] | undefined> => {
    const { json } = await api.get('/api/v1/groups');
    const group = (json.groups as Array<{ id: string; name: string }>).find(
      (candidate) => candidate.name === GROUP_NAME,
    );
    if (!group) return undefined;
    const members = await api.get(`/api/v1/groups/${group.id}/members`);
    return (members.json.members as Array<{ id: string }>).map((member) => member.id);
  };
  const searchCount = async (name: string): Promise<number> =>
    ((await api.get(`/api/v1/users?search=${encodeURIComponent(name)}`)).json.users as unknown[])
      .length;

  for (let round = 0; round < rounds; round += 1) {
    const target = targets[round % targets.length]!;
    const name = `Latency ${Date.now()}-${round}`;
    await timed(
      'attribute',
      () => admin.modify(target.dn, [replace('displayName', [name])]),
      async () => (await user(target.id)).json.displayName === name,
    );
    await timed(
      'disable',
      () => admin.modify(target.dn, [replace('userAccountControl', ['514'])]),
      async () => (await user(target.id)).json.enabled === false,
    );
    await timed(
      'enable',
      () => admin.modify(target.dn, [replace('userAccountControl', ['512'])]),
      async () => (await user(target.id)).json.enabled === true,
    );
    await timed(
      'group join',
      () => admin.modify(groupDn, [memberChange('add', target.dn)]),
      async () => (await groupMembers())?.includes(target.id) === true,
    );
    await timed(
      'group leave',
      () => admin.modify(groupDn, [memberChange('delete', target.dn)]),
      async () => (await groupMembers())?.includes(target.id) === false,
    );
    const account = `bench-lat-${Date.now().toString(36)}-${round}`;
    let created: { dn: string } | undefined;
    await timed(
      'create',
      async () => {
        created = await createLabUser(admin, { ouDn: lab.ous.bulk, sAMAccountName: account });
      },
      async () => (await searchCount(account)) === 1,
    );
    await timed(
      'delete',
      () => admin.del(created!.dn),
      async () => (await searchCount(account)) === 0,
    );
  }
  const byKind = Object.fromEntries(
    [...samples].map(([kind, times]) => [kind, summarize(times)]),
  ) as Record<ChangeKind, LatencySummary>;
  return { all: summarize([...samples.values()].flat()), byKind };
}
