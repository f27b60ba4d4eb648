/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentView } from '../api/types';
import { integrationStatus } from './agent-health';

const agent = (overrides: Partial<AgentView>): AgentView => ({
  id: 'a',
  name: 'dc-agent',
  hostname: 'host',
  version: '0.1.0',
  status: 'active',
  online: true,
  lastSeenAt: null,
  connectedAt: null,
  directoryReachable: true,
  passwordWritebackEnabled: true,
  domainController: null,
  problem: null,
  operationsServed: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

test('the on-premises status reads the agents as Entra’s blade does', () => {
  assert.equal(integrationStatus([]), 'none');
  assert.equal(integrationStatus([agent({ status: 'disabled' })]), 'down');
  assert.equal(integrationStatus([agent({})]), 'up');
  assert.equal(integrationStatus([agent({ online: false })]), 'down');
  assert.equal(integrationStatus([agent({ directoryReachable: false })]), 'down');
  assert.equal(integrationStatus([agent({ passwordWritebackEnabled: false })]), 'agentOff');
  assert.equal(
    integrationStatus([agent({ online: false }), agent({ id: 'b' })]),
    'up',
    'one healthy agent is enough',
  );
});
