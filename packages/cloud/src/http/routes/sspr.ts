import { locales } from '@ferry/policy';
import { passwordRuleCodes, Secret, type WritebackOperation } from '@ferry/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditDetail } from '../../audit/audit-log.js';
import { unknownNameForAudit } from '../../audit/typed-name.js';
import { isFerryRefusal } from '../../sspr/ferry-refusal.js';
import { getPasswordResetSettings } from '../../directory/password-reset-settings.js';
import { outcomeError } from '../../relay/outcome-error.js';
import {
  resetPassword,
  unlockAccount,
  verifiedUser,
  type Completion,
} from '../../sspr/complete-flow.js';
import { checkGate, questionsFor, sendCode, type GateProof } from '../../sspr/gates.js';
import type { SsprFlow } from '../../sspr/sspr-flows.js';
import type { UserRow } from '../../store/tables.js';
import { startFlow } from '../../sspr/start-flow.js';
import { evaluateForReset } from '../../sspr/user-policy.js';
import { toPolicyItems } from '../policy-items.js';
import { FerryError } from '../../util/ferry-error.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import { methodKindSchema, upn } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const FLOW_HEADER = 'x-ferry-flow';
const flowHeaders = z.looseObject({ [FLOW_HEADER]: z.string().max(128).optional() });
const secretField = z.string().min(1).max(256);
const locale = z.enum(locales).default('en');
const outcomeApplied = z.object({ outcome: z.literal('applied') });
const policyItem = z.object({
  rule: z.enum(passwordRuleCodes),
  status: z.enum(['pass', 'fail', 'directory']),
  origin: z.enum(['cloud', 'directory']),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  message: z.string(),
});
const gateProof = z.union([
  z.object({ code: z.string().trim().min(1).max(16) }).strict(),
  z
    .object({
      answers: z
        .array(z.object({ question: z.string().max(500), answer: secretField }).strict())
        .min(1)
        .max(10),
    })
    .strict(),
]);

/**
 * Self-service password reset, anonymous: proof of work, start (no account enumeration),
 * the gates, then reset or unlock. The flow travels in the x-ferry-flow header; every step is
 * audited with the flow id (never the token, a code or an answer) and throttled per user.
 */
export function ssprRoutes(app: ZodApp, services: Services): void {
  const { throttle, flows, proofOfWork } = services.sspr;

  app.get(
    '/api/v1/sspr/settings',
    {
      schema: {
        tags: ['self-service'],
        summary: 'Whether self-service password reset is offered, and the helpdesk link.',
        response: {
          200: z.object({
            enabled: z.boolean(),
            helpdeskUrl: z.string().nullable(),
            unlockEnabled: z.boolean(),
          }),
        },
      },
    },
    async () => {
      const settings = await getPasswordResetSettings(services.db, services.defaultTenantId);
      const link = settings.helpdeskLink;
      return {
        enabled: settings.ssprEnabled !== 'none',
        helpdeskUrl: link && !/^https?:/.test(link) ? `mailto:${link}` : link,
        unlockEnabled: settings.onPremises.unlockWithoutResetEnabled,
      };
    },
  );

  app.get(
    '/api/v1/sspr/challenge',
    {
      schema: {
        tags: ['self-service'],
        summary:
          "A proof-of-work challenge: find nonce with SHA-256(challenge + ':' + nonce) starting with `difficulty` zero bits.",
        response: {
          200: z.object({ challenge: z.string(), difficulty: z.number(), expiresAt: z.string() }),
        },
      },
    },
    async () => proofOfWork.issue(),
  );

  app.post(
    '/api/v1/sspr/start',
    {
      config: {
        rateLimit: { max: credentialRoutesPerMinute(services.config), timeWindow: 60_000 },
      },
      schema: {
        tags: ['self-service'],
        summary:
          'Start a reset: answers the same shape for every name; the flow token goes back in x-ferry-flow.',
        body: z
          .object({
            userPrincipalName: upn,
            challenge: z.string().max(512),
            nonce: z.string().max(64),
          })
          .strict(),
        response: {
          200: z.object({
            flowToken: z.string(),
            expiresAt: z.string(),
            required: z.number(),
            gates: z.array(z.object({ kind: methodKindSchema, hint: z.string().nullable() })),
          }),
        },
      },
    },
    async (request) => {
      await proofOfWork.redeem(
        services.defaultTenantId,
        request.body.challenge,
        request.body.nonce,
      );
      const { token, flow, user } = await startFlow(services, request.body.userPrincipalName);
      // Only this private count says which starts were doomed (unknown name, no methods).
      services.metrics.ssprSteps.inc({ step: 'start', outcome: flow.doomedReason ?? 'ok' });
      // Housekeeping now and then: counters of closed windows only grow otherwise.
      if (Math.random() < 0.01) void throttle.purge().catch(() => undefined);
      await services.audit.record({
        tenantId: flow.tenantId,
        actor: { type: 'anonymous', name: typedNameForAudit(flow) },
        action: 'sspr.start',
        target: user ? { type: 'user', id: user.id, name: user.upn } : undefined,
        result: flow.doomedReason ?? 'success',
        sourceIp: request.ip,
        requestId: request.id,
        detail: { flowId: flow.id, gates: flow.gates.map((gate) => gate.kind).join(',') },
      });
      return {
        flowToken: token.reveal(),
        expiresAt: flow.expiresAt,
        required: flow.required,
        gates: flow.gates.map((gate) => ({ kind: gate.kind, hint: gate.hint })),
      };
    },
  );

  app.post(
    '/api/v1/sspr/gates/:kind/send',
    {
      schema: {
        tags: ['self-service'],
        summary: 'Send a 6-digit code (valid 5 minutes) to the registered address or number.',
        params: z.object({ kind: z.enum(['email', 'phone']) }),
        headers: flowHeaders,
        response: { 200: z.object({ sent: z.literal(true) }) },
      },
    },
    async (request) => {
      const { kind } = request.params;
      return step(request, `sspr.gate_send`, { gate: kind }, async (flow) => {
        await throttle.take(throttleKey(flow, `sspr.send.${kind}`));
        await sendCode(services, flow, kind, request.log);
        return { sent: true as const };
      });
    },
  );

  app.get(
    '/api/v1/sspr/gates/security_questions',
    {
      schema: {
        tags: ['self-service'],
        summary: 'The security questions to answer (a random subset of the registered ones).',
        headers: flowHeaders,
        response: { 200: z.object({ questions: z.array(z.string()) }) },
      },
    },
    async (request) =>
      step(request, 'sspr.gate_questions', {}, async (flow) => ({
        questions: await questionsFor(services, flow),
      })),
  );

  app.post(
    '/api/v1/sspr/gates/:kind/verify',
    {
      schema: {
        tags: ['self-service'],
        summary: 'Pass a gate with a code (email, phone, totp) or answers (security_questions).',
        params: z.object({ kind: methodKindSchema }),
        headers: flowHeaders,
        body: gateProof,
        response: { 200: z.object({ passed: z.array(methodKindSchema), remaining: z.number() }) },
      },
    },
    async (request) => {
      const { kind } = request.params;
      return step(request, 'sspr.gate_verify', { gate: kind }, async (flow) => {
        await throttle.take(throttleKey(flow, `sspr.verify.${kind}`));
        const body = request.body;
        const proof: GateProof =
          'code' in body
            ? { code: Secret.of(body.code) }
            : {
                answers: body.answers.map((entry) => ({
                  question: entry.question,
                  answer: Secret.of(entry.answer),
                })),
              };
        if (!(await checkGate(services, flow, kind, proof))) {
          throw new FerryError('verification_failed', `gate ${kind} not passed`);
        }
        const passed = await flows.markPassed(flow, kind);
        return { passed: [...passed], remaining: Math.max(0, flow.required - passed.length) };
      });
    },
  );

  app.get(
    '/api/v1/sspr/policy',
    {
      schema: {
        tags: ['self-service'],
        summary: "The password rules for this user (after the gates), with today's verdicts.",
        headers: flowHeaders,
        querystring: z.object({ locale }).strict(),
        response: { 200: z.object({ rules: z.array(policyItem) }) },
      },
    },
    async (request) =>
      step(
        request,
        'sspr.policy',
        {},
        async (flow) => {
          const user = await verifiedUser(services, flow);
          const evaluation = await evaluateForReset(services, user, Secret.of(''));
          return { rules: toPolicyItems(evaluation, request.query.locale) };
        },
        false,
      ),
  );

  app.post(
    '/api/v1/sspr/password/check',
    {
      config: {
        rateLimit: { max: credentialRoutesPerMinute(services.config) * 6, timeWindow: 60_000 },
      },
      schema: {
        tags: ['self-service'],
        summary: "Check a candidate password against this user's rules (live, while typing).",
        headers: flowHeaders,
        body: z.object({ password: z.string().max(1024), locale }).strict(),
        response: { 200: z.object({ ok: z.boolean(), items: z.array(policyItem) }) },
      },
    },
    async (request) =>
      step(
        request,
        'sspr.password_check',
        {},
        async (flow) => {
          const user = await verifiedUser(services, flow);
          const evaluation = await evaluateForReset(
            services,
            user,
            Secret.of(request.body.password),
          );
          return { ok: evaluation.ok, items: toPolicyItems(evaluation, request.body.locale) };
        },
        false,
      ),
  );

  app.post(
    '/api/v1/sspr/reset',
    {
      schema: {
        tags: ['self-service'],
        summary: 'Set the new password (also unlocks); AD answers for synced accounts.',
        headers: flowHeaders,
        body: z.object({ newPassword: secretField }).strict(),
        response: { 200: outcomeApplied },
      },
    },
    async (request) =>
      step(request, 'sspr.reset', {}, async (flow, detail) => {
        await throttle.take(throttleKey(flow, 'sspr.reset'));
        const user = await verifiedUser(services, flow);
        const newPassword = Secret.of(request.body.newPassword);
        const completion = await resetPassword(services, flow, user, newPassword, request.log);
        await unspent(flow, user, completion);
        return applied(completion, detail, 'reset');
      }),
  );

  app.post(
    '/api/v1/sspr/unlock',
    {
      schema: {
        tags: ['self-service'],
        summary: 'Unlock the account without a reset (when the tenant allows it).',
        headers: flowHeaders,
        response: { 200: outcomeApplied },
      },
    },
    async (request) =>
      step(request, 'sspr.unlock', {}, async (flow, detail) => {
        await throttle.take(throttleKey(flow, 'sspr.reset'));
        const user = await verifiedUser(services, flow);
        const completion = await unlockAccount(services, flow, user);
        await unspent(flow, user, completion);
        return applied(completion, detail, 'unlock');
      }),
  );

  /**
   * A refusal Ferry made itself for a synced user (a gate, no agent, a rule named from the
   * policy it read) gives its attempt back: the directory never judged it. For a cloud-only
   * user the cloud is the directory, so its refusal is final and spends the attempt.
   */
  async function unspent(flow: SsprFlow, user: UserRow, completion: Completion): Promise<void> {
    if (user.source === 'synced' && isFerryRefusal(completion.outcome)) {
      await throttle.giveBack(throttleKey(flow, 'sspr.reset'));
    }
  }

  function throttleKey(flow: SsprFlow, scope: string) {
    return { tenantId: flow.tenantId, scope, subject: flow.upnLower };
  }

  function applied(
    completion: Completion,
    detail: Record<string, string | null>,
    operation: WritebackOperation,
  ) {
    detail['operationId'] = completion.operationId;
    if (completion.outcome.code !== 'applied') throw outcomeError(completion.outcome, operation);
    return { outcome: 'applied' as const };
  }

  /**
   * Runs one step of a flow named by the x-ferry-flow header and audits it with its result
   * (success or the error code). Read-only steps (`audit` false) are not audited.
   */
  async function step<T>(
    request: FastifyRequest,
    action: string,
    facts: Record<string, string>,
    work: (flow: SsprFlow, detail: Record<string, string | null>) => Promise<T>,
    audit = true,
  ): Promise<T> {
    const header = request.headers[FLOW_HEADER];
    const flow = typeof header === 'string' ? await flows.find(Secret.of(header)) : undefined;
    if (!flow) throw new FerryError('flow_expired', 'no live flow for the token');
    const detail: Record<string, string | null> = { flowId: flow.id, ...facts };
    if (flow.doomedReason) detail['reason'] = flow.doomedReason;
    let result = 'success';
    try {
      return await work(flow, detail);
    } catch (error) {
      result = error instanceof FerryError ? error.code : 'internal_error';
      throw error;
    } finally {
      services.metrics.ssprSteps.inc({
        step: action.replace(/^sspr\./, ''),
        outcome: result === 'success' ? 'ok' : result,
      });
      if (audit) {
        await services.audit.record({
          tenantId: flow.tenantId,
          actor: { type: 'anonymous', name: typedNameForAudit(flow) },
          action,
          target: flow.userId ? { type: 'user', id: flow.userId, name: flow.upnLower } : undefined,
          result,
          sourceIp: request.ip,
          requestId: request.id,
          detail: detail as AuditDetail,
        });
      }
    }
  }
}

/**
 * The typed name as the audit log keeps it: an account's name as it is, any other text cut
 * short (ADR 0009: a password typed into the name field must not land in the log).
 */
function typedNameForAudit(flow: SsprFlow): string {
  return flow.userId ? flow.upnLower : unknownNameForAudit(flow.upnLower);
}
