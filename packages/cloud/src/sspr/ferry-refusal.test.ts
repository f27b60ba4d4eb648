import assert from 'node:assert/strict';
import { test } from 'node:test';
import { violation } from '@ferry/protocol';
import { isFerryRefusal } from './ferry-refusal.js';

test('refusals Ferry made itself are told apart from what the directory judged', () => {
  assert.equal(isFerryRefusal({ code: 'writeback_disabled', scope: 'tenant' }), true);
  assert.equal(isFerryRefusal({ code: 'agent_unavailable' }), true);
  assert.equal(isFerryRefusal({ code: 'expired' }), true);
  // A rule Ferry named from a policy it read (the agent's own minimum-age check on Samba).
  const named = violation('min_age', 'policy', { minAgeSeconds: 86_400 });
  assert.equal(isFerryRefusal({ code: 'policy_violation', rules: [named] }), true);
  // The directory said so: it counts.
  const judged = violation('history', 'directory');
  assert.equal(isFerryRefusal({ code: 'policy_violation', rules: [named, judged] }), false);
  assert.equal(isFerryRefusal({ code: 'applied' }), false);
  assert.equal(isFerryRefusal({ code: 'locked_out' }), false);
  assert.equal(isFerryRefusal({ code: 'access_denied' }), false);
});
