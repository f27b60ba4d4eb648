import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorRegistry } from '@ferry/protocol';
import fc from 'fast-check';
import { writeReliabilitySection } from '../../../test/support/reliability-doc.js';
import { sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import type { ApiClient, ApiResponse } from './helpers/api-client.js';
import { fuzzRequest, type FuzzOperation, type FuzzRequest } from './helpers/fuzz-input.js';

/** Seeded and bounded: the same cases on every run, a few seconds per hundred cases. */
const SEED = Number(process.env['FERRY_FUZZ_SEED'] ?? 20_261_203);
const RUNS = Number(process.env['FERRY_FUZZ_RUNS'] ?? 12);

/**
 * 5xx answers that are typed and expected without a peer: no agent online, no SMTP, no SMS
 * gateway. Anything else at 500 or above (internal_error above all) fails the suite.
 */
const PEERLESS_5XX = new Set(['agent_unavailable', 'mail_not_configured', 'sms_not_configured']);

describe('bad input: every API route under fast-check (seeded, bounded)', () => {
  let h: Harness;
  let admin: ApiClient;
  let operations: FuzzOperation[];
  before(async () => {
    h = await Harness.start(sqliteBackend);
    admin = await h.signedIn(h.global);
    // The route table as the API publishes it: a new route is fuzzed without a test change.
    const doc = (await h.client().get('/api/openapi.json')).json as {
      paths: Record<string, Record<string, FuzzOperation['spec']>>;
    };
    operations = Object.entries(doc.paths).flatMap(([route, methods]) =>
      Object.entries(methods).map(([method, spec]) => ({
        route,
        method: method.toUpperCase() as FuzzOperation['method'],
        spec,
      })),
    );
  });
  after(() => h?.stop());

  test('each answer is 2xx or a typed refusal: never internal_error, never an untyped body', async () => {
    const tally = { cases: 0, refusals: 0, fiveHundreds: 0, peerless5xx: 0 };
    const failures: string[] = [];
    for (const operation of operations) {
      await fc
        .assert(
          fc.asyncProperty(fuzzRequest(operation), fc.boolean(), async (request, asAdmin) => {
            tally.cases += 1;
            const answer = await send(asAdmin ? admin : h.client(), request);
            if (asAdmin && answer.status === 401) admin = await h.signedIn(h.global);
            const verdict = judge(answer);
            if (answer.status >= 400) tally.refusals += 1;
            if (answer.status >= 500 && verdict === undefined) tally.peerless5xx += 1;
            if (verdict) {
              tally.fiveHundreds += answer.status >= 500 ? 1 : 0;
              failures.push(`${request.method} ${request.url.slice(0, 120)}: ${verdict}`);
            }
            return verdict === undefined;
          }),
          { seed: SEED, numRuns: RUNS, endOnFailure: true },
        )
        .catch((error: unknown) => {
          failures.push(`${operation.method} ${operation.route}: ${String(error).slice(0, 160)}`);
        });
    }
    // The cloud still answers after all that.
    assert.equal((await h.client().get('/readyz')).status, 200);
    await writeReliabilitySection(
      'fuzz',
      [
        '## Bad input (fuzz)',
        '',
        'Written by `packages/cloud/test/fuzz-api.test.ts` (fast-check, seed',
        `${SEED}, ${RUNS} cases per operation, anonymous and admin callers): every operation of`,
        '`/api/openapi.json` with path parameters, query strings and bodies built from its own',
        'schema, filled with oversized strings, wrong types, unicode edge cases (lone surrogates,',
        'NUL, combining marks, emoji) and LDAP filter and DN metacharacters.',
        '',
        '| Operations | Cases | Refused (4xx or typed 5xx) | Typed 5xx without a peer | 500 / untyped | Cloud ready after |',
        '| --- | --- | --- | --- | --- | --- |',
        `| ${operations.length} | ${tally.cases} | ${tally.refusals} | ${tally.peerless5xx} | ${tally.fiveHundreds + failures.length} | yes |`,
      ].join('\n'),
    );
    assert.deepEqual(failures, []);
    assert.ok(operations.length >= 80, `only ${operations.length} operations in the route table`);
  });
});

async function send(client: ApiClient, request: FuzzRequest): Promise<ApiResponse> {
  return client.raw(request.method, request.url, request.body, request.contentType);
}

/** Why the answer breaks the contract, or undefined when it keeps it. */
function judge(answer: ApiResponse): string | undefined {
  if (answer.status < 400) return undefined;
  const code = (answer.json as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (typeof code !== 'string' || !(code in errorRegistry)) {
    return `${answer.status} without a registry code: ${answer.body.slice(0, 200)}`;
  }
  if (answer.status >= 500 && !PEERLESS_5XX.has(code)) return `${answer.status} ${code}`;
  return undefined;
}
