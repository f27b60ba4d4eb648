import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from 'ldapts';
import { timedClient } from '../directory/timed-client.js';
import { AgentMetrics, dcLabel } from './agent-metrics.js';

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test('DCs are labelled host:port, cursor age comes from the last ack, nothing before it', async () => {
  const ack: { at?: Date } = {};
  const metrics = new AgentMetrics({
    agentId: 'a1',
    cloudConnected: () => true,
    lastSyncAck: () => ack.at,
    now: () => new Date('2026-01-01T00:01:30Z'),
  });
  assert.equal(dcLabel('ldaps://dc1.corp.example.test'), 'dc1.corp.example.test');
  assert.equal(dcLabel('ldaps://10.0.0.5:3269'), '10.0.0.5:3269');
  let text = (await metrics.render()).body;
  assert.doesNotMatch(text, /^ferry_agent_sync_cursor_age_seconds/m);
  assert.equal(sample(text, 'ferry_agent_cloud_connected'), 1);
  ack.at = new Date('2026-01-01T00:01:00Z');
  metrics.reachable('ldaps://dc1.corp.example.test:636', true);
  metrics.reachable('ldaps://dc2.corp.example.test:636', false);
  text = (await metrics.render()).body;
  assert.equal(sample(text, 'ferry_agent_sync_cursor_age_seconds{agent="a1"}'), 30);
  assert.equal(sample(text, 'ferry_agent_dc_up{dc="dc1.corp.example.test:636"}'), 1);
  assert.equal(sample(text, 'ferry_agent_dc_up{dc="dc2.corp.example.test:636"}'), 0);
});

test('a timed client reports each LDAP request, answered or refused, and passes the rest through', async () => {
  const seen: string[] = [];
  const fake = {
    search: async () => ({ searchEntries: [], searchReferences: [] }),
    modify: async () => {
      throw new Error('constraint violation');
    },
    isConnected: true,
  } as unknown as Client;
  const client = timedClient(fake, 'ldaps://dc1:636', {
    reachable: () => undefined,
    request: (url, request, seconds) => {
      assert.ok(seconds >= 0);
      seen.push(`${url} ${request}`);
    },
  });
  await client.search('dc=x');
  await assert.rejects(client.modify('cn=u', []), /constraint violation/);
  assert.equal(client.isConnected, true);
  assert.deepEqual(seen, ['ldaps://dc1:636 search', 'ldaps://dc1:636 modify']);
});
