import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { createSyncOus, type SyncOus } from '../../packages/agent/test/support/sync-ou.js';
import { promtoolCheck } from '../support/promtool.js';
import { eventually } from './support/eventually.js';
import { FerrySystem } from './support/ferry-system.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const TOKEN = `metrics-${randomBytes(12).toString('hex')}`;

/** A port free on loopback now (the processes bind it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** The value of one sample (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Whether `name` (a histogram's _bucket/_sum/_count too) is a metric family in the text. */
function hasFamily(text: string, name: string): boolean {
  if (text.includes(`\n# TYPE ${name} `) || text.startsWith(`# TYPE ${name} `)) return true;
  const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return base !== undefined && text.includes(`\n# TYPE ${base} histogram`);
}

describe('metrics end to end: cloud and agent against the lab DC, scraped on their own ports', () => {
  let lab: LabFixture;
  let ous: SyncOus;
  let system: FerrySystem;
  let cloudMetrics: string;
  let agentMetrics: string;
  let agentId: string;

  before(async () => {
    lab = await openLab();
    ous = await createSyncOus(lab);
    const [cloudPort, agentPort] = [await freePort(), await freePort()];
    cloudMetrics = `http://127.0.0.1:${cloudPort}/metrics`;
    agentMetrics = `http://127.0.0.1:${agentPort}/metrics`;
    system = new FerrySystem({
      lab: lab.state,
      cloudEnv: { FERRY_METRICS_PORT: String(cloudPort), FERRY_METRICS_TOKEN: TOKEN },
    });
    await system.startNode();
    ({ agentId } = await system.addAgent({
      env: {
        FERRY_AGENT_SYNC: 'true',
        FERRY_AGENT_SYNC_INCLUDE_OUS: ous.root,
        FERRY_AGENT_METRICS_PORT: String(agentPort),
      },
    }));
  });
  after(async () => {
    await system?.stop();
    await ous?.remove();
    await lab?.close();
  });

  const scrapeCloud = async (): Promise<string> => {
    const response = await fetch(cloudMetrics, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 200);
    return response.text();
  };
  const scrapeAgent = async (): Promise<string> => {
    const response = await fetch(agentMetrics);
    assert.equal(response.status, 200);
    return response.text();
  };

  test('a synced user reset by an admin shows up in both processes, with sync and DC health', async () => {
    const account = await lab.newUser();
    await ous.place(account, ous.inA);
    const userId = await eventually(
      async () => {
        const { json } = await system.api.get('/api/v1/users?limit=500');
        const found = (
          json.users as Array<{ id: string; onPremises?: { samAccountName: string } }>
        ).find((user) => user.onPremises?.samAccountName === account.sAMAccountName);
        return found?.id;
      },
      'the user in scope to be synced',
      60_000,
    );
    const password = `Vq${randomBytes(6).toString('hex')}!Tz-${randomBytes(3).toString('hex')}`;
    const reset = await system.api.post(`/api/v1/users/${userId}/password`, { password });
    assert.equal(reset.json.outcome, 'applied', JSON.stringify(reset.json));

    const cloud = await scrapeCloud();
    const agent = await scrapeAgent();
    const applied = '{kind="admin_reset",outcome="applied"}';
    assert.ok((sample(cloud, `ferry_cloud_writeback_operations_total${applied}`) ?? 0) >= 1);
    assert.ok(
      (sample(cloud, 'ferry_cloud_writeback_duration_seconds_count{kind="admin_reset"}') ?? 0) >= 1,
    );
    assert.ok((sample(agent, `ferry_agent_operations_total${applied}`) ?? 0) >= 1);
    const tenant = /ferry_cloud_agents_online\{tenant="([^"]+)"\} 1\n/.exec(cloud);
    assert.ok(tenant, 'one agent online in the default tenant');
    assert.ok((sample(cloud, 'ferry_cloud_sync_run_users_count{mode="full"}') ?? 0) >= 1);
    assert.ok(
      (sample(cloud, `ferry_cloud_sync_last_batch_age_seconds{tenant="${tenant[1]}"}`) ?? -1) >= 0,
    );
    assert.ok(
      (sample(agent, `ferry_agent_sync_cursor_age_seconds{agent="${agentId}"}`) ?? -1) >= 0,
    );
    assert.equal(sample(agent, 'ferry_agent_cloud_connected'), 1);
    const dc = new URL(lab.state.ldapsUrl).host;
    assert.equal(sample(agent, `ferry_agent_dc_up{dc="${dc}"}`), 1);
    assert.ok(
      (sample(
        agent,
        `ferry_agent_ldap_request_duration_seconds_count{dc="${dc}",request="modify"}`,
      ) ?? 0) >= 1,
    );
    assert.doesNotMatch(cloud + agent, new RegExp(account.sAMAccountName, 'i'));
  });

  test('promtool check metrics passes on the real output of both processes', async () => {
    await promtoolCheck(await scrapeCloud());
    await promtoolCheck(await scrapeAgent());
  });

  test('every metric the Grafana dashboard charts exists in the output of cloud or agent', async () => {
    const dashboard = readFileSync(path.join(root, 'deploy/grafana/ferry.json'), 'utf8');
    const names = new Set(dashboard.match(/ferry_(?:cloud|agent)_[a-z0-9_]+/g));
    assert.ok(names.size >= 20, `${names.size} metric names in the dashboard`);
    const output = { cloud: await scrapeCloud(), agent: await scrapeAgent() };
    const missing = [...names].filter(
      (name) => !hasFamily(name.startsWith('ferry_cloud_') ? output.cloud : output.agent, name),
    );
    assert.deepEqual(missing, []);
  });

  test('the metrics ports answer nothing but /metrics; the cloud one wants its token', async () => {
    assert.equal((await fetch(cloudMetrics)).status, 401);
    assert.equal((await fetch(cloudMetrics.replace('/metrics', '/api/v1/users'))).status, 404);
    assert.equal((await fetch(agentMetrics.replace('/metrics', '/'))).status, 404);
    assert.equal((await fetch(`${system.nodes[0]!.url}/metrics`)).status, 404);
  });
});
