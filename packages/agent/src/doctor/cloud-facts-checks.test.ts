import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DoctorFacts } from '@ferry/protocol';
import { cloudFactsChecks } from './cloud-facts-checks.js';

const facts = (change: Partial<DoctorFacts> = {}): DoctorFacts => ({
  cloudTime: new Date(1_000_000).toISOString(),
  tenantWriteback: true,
  agentEnabled: true,
  agentWritebackReported: true,
  sspr: { scope: 'all', methodsRequired: 2, usersInScope: 10, usersReady: 7 },
  ...change,
});
const byId = (answer: Parameters<typeof cloudFactsChecks>[0], writeback = true) =>
  new Map(cloudFactsChecks(answer, { passwordWriteback: writeback }).map((r) => [r.id, r]));

test("the cloud's facts: tenant switch, agent, clock and SSPR readiness each judged with a fix", () => {
  const ok = byId({ facts: facts(), askedAt: 999_000, answeredAt: 1_001_000 });
  assert.equal(ok.get('tenant_writeback')!.status, 'pass');
  assert.equal(ok.get('agent_enabled')!.status, 'pass');
  assert.equal(ok.get('cloud_clock')!.status, 'pass');
  const sspr = ok.get('sspr_readiness')!;
  assert.equal(sspr.status, 'warn');
  assert.match(
    sspr.evidence,
    /7 of 10 synced users in scope \(all\) have the 2 methods a reset asks \(administrators: two\); 3 cannot/,
  );
  assert.match(sspr.fix!, /My Account/);

  const off = byId(
    {
      facts: facts({
        tenantWriteback: false,
        agentEnabled: false,
        agentWritebackReported: false,
        sspr: { scope: 'selected', methodsRequired: 1, usersInScope: 4, usersReady: 4 },
      }),
      askedAt: 1_400_000,
      answeredAt: 1_400_000,
    },
    true,
  );
  assert.equal(off.get('tenant_writeback')!.status, 'fail');
  assert.match(off.get('tenant_writeback')!.fix!, /Admin center > On-premises/);
  assert.equal(off.get('agent_enabled')!.status, 'fail');
  assert.equal(off.get('agent_writeback_reported')!.status, 'warn');
  assert.equal(off.get('cloud_clock')!.status, 'fail');
  assert.match(off.get('cloud_clock')!.evidence, /about 400 s apart/);
  assert.equal(off.get('sspr_readiness')!.status, 'pass');
});

test('without a running agent the cloud facts are a warning that says how to get them', () => {
  const checks = cloudFactsChecks({ unavailable: 'no running agent' }, { passwordWriteback: true });
  assert.deepEqual(
    checks.map((c) => [c.id, c.status]),
    [['cloud_facts', 'warn']],
  );
  assert.match(checks[0]!.fix!, /ferry-agent run/);
});
