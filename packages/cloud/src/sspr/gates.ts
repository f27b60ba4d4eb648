import { createHmac } from 'node:crypto';
import { Secret } from '@ferry/protocol';
import { dummyPasswordHash, verifyPassword } from '../crypto/password-hash.js';
import {
  SECURITY_QUESTIONS_REQUIRED,
  securityQuestionCatalog,
} from '../me/security-question-catalog.js';
import type { Kysely } from 'kysely';
import type { VerificationMethods } from '../directory/verification-methods.js';
import { DisabledMailer, type Mailer } from '../notify/mailer.js';
import { DisabledSmsGateway, type SmsGateway } from '../notify/sms-gateway.js';
import type { Database, MethodKind } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';
import type { CodePurpose, OneTimeCodes } from '../verification/one-time-codes.js';
import { verifyTotp } from '../verification/totp.js';
import type { SsprFlow } from './sspr-flows.js';
import type { SsprKit } from './sspr-kit.js';

/** What the gates use: codes and where they go, the registered methods, the flow store. */
export interface GateServices {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly mailer: Mailer;
  readonly sms: SmsGateway;
  readonly codes: OneTimeCodes;
  readonly methods: VerificationMethods;
  readonly sspr: SsprKit;
}

export type CodeGate = 'email' | 'phone';

export interface GateLog {
  warn(fields: object, message: string): void;
}

const purposeOf: Record<CodeGate, CodePurpose> = { email: 'sspr_email', phone: 'sspr_sms' };

function offers(flow: SsprFlow, kind: MethodKind): boolean {
  return flow.gates.some((gate) => gate.kind === kind);
}

/**
 * Issues a code for the flow and sends it to the registered address or number. A doomed
 * flow gets a code too (same store work) that nobody receives. The send runs in the
 * background either way, so the answer's timing does not tell the two apart; a failed send
 * is logged and the person asks for another code.
 */
export async function sendCode(
  services: GateServices,
  flow: SsprFlow,
  kind: CodeGate,
  log: GateLog,
): Promise<void> {
  if (kind === 'email' && services.mailer instanceof DisabledMailer) {
    throw new FerryError('mail_not_configured', 'FERRY_SMTP_URL is not set');
  }
  if (kind === 'phone' && services.sms instanceof DisabledSmsGateway) {
    throw new FerryError('sms_not_configured', 'no SMS gateway configured');
  }
  if (!offers(flow, kind)) throw new FerryError('verification_failed', `gate ${kind} not offered`);
  const code = await services.codes.issue({
    tenantId: flow.tenantId,
    purpose: purposeOf[kind],
    subject: flow.id,
  });
  if (flow.doomedReason || !flow.userId) return;
  const to = await contactOf(services, flow, kind);
  if (!to) return;
  const delivery =
    kind === 'email'
      ? services.mailer.send({
          to,
          subject: 'Your password reset code',
          text:
            `Your verification code is ${code.reveal()}.\n\n` +
            'It is valid for 5 minutes. If you did not ask to reset your password, ignore this message.',
        })
      : services.sms.send(to, `Your password reset code is ${code.reveal()} (valid 5 minutes).`);
  delivery.catch((error: unknown) => {
    const failure = (error as { code?: string }).code ?? 'unknown';
    log.warn({ gate: kind, flowId: flow.id, code: failure }, 'reset code not delivered');
  });
}

async function contactOf(
  services: GateServices,
  flow: SsprFlow,
  kind: CodeGate,
): Promise<string | undefined> {
  const methods = await services.methods.list(flow.tenantId, flow.userId!);
  return methods.find((method) => method.kind === kind)?.value ?? undefined;
}

/**
 * The security questions to answer: as many as registration requires, of the user's
 * questions. The subset is drawn from the name and the day, not per flow: starting flows
 * again does not reroll it until a draw holds only questions an attacker knows. A doomed flow
 * draws the same way from a pool derived from the name (3 to 5 questions, as real users
 * register), so real and unknown names look alike.
 */
export async function questionsFor(services: GateServices, flow: SsprFlow): Promise<string[]> {
  if (!offers(flow, 'security_questions')) {
    throw new FerryError('verification_failed', 'security questions not offered');
  }
  const pool = await questionPool(services, flow);
  let chosen = flow.questions;
  if (!chosen) {
    const day = Math.floor(services.clock.now().getTime() / 86_400_000);
    const seed = nameDigest(services, `subset:${flow.upnLower}:${day}`);
    chosen = pickIndexes(pool.length, Math.min(SECURITY_QUESTIONS_REQUIRED, pool.length), seed);
    await services.sspr.flows.setQuestions(flow, chosen);
  }
  return chosen.map((index) => pool[index] ?? '');
}

async function questionPool(services: GateServices, flow: SsprFlow): Promise<string[]> {
  if (!flow.doomedReason && flow.userId) {
    const methods = await services.methods.list(flow.tenantId, flow.userId);
    return methods.find((method) => method.kind === 'security_questions')?.questions ?? [];
  }
  const bytes = nameDigest(services, `questions:${flow.upnLower}`);
  const size = SECURITY_QUESTIONS_REQUIRED + (bytes[31]! % 3);
  const catalog = [...securityQuestionCatalog];
  const pool: string[] = [];
  for (let i = 0; pool.length < size && catalog.length > 0; i++) {
    pool.push(catalog.splice(bytes[i]! % catalog.length, 1)[0]!);
  }
  return pool;
}

function nameDigest(services: GateServices, label: string): Buffer {
  return createHmac('sha256', services.sspr.decoyKey).update(label).digest();
}

/** `count` of `size` indexes, shuffled by the seed's bytes (the same seed, the same pick). */
function pickIndexes(size: number, count: number, seed: Buffer): number[] {
  const all = Array.from({ length: size }, (_, index) => index);
  for (let i = all.length - 1; i > 0; i--) {
    const j = seed[i % seed.length]! % (i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

export type GateProof =
  | { readonly code: Secret }
  | { readonly answers: ReadonlyArray<{ readonly question: string; readonly answer: Secret }> };

/** True when the proof passes the gate; doomed flows never pass (after the same work). */
export async function checkGate(
  services: GateServices,
  flow: SsprFlow,
  kind: MethodKind,
  proof: GateProof,
): Promise<boolean> {
  if (!offers(flow, kind)) return false;
  const genuine = !flow.doomedReason && flow.userId !== null;
  switch (kind) {
    case 'email':
    case 'phone': {
      if (!('code' in proof)) return false;
      const result = await services.codes.verify({
        tenantId: flow.tenantId,
        purpose: purposeOf[kind],
        subject: flow.id,
        code: proof.code,
      });
      return genuine && result === 'ok';
    }
    case 'totp': {
      if (!('code' in proof) || !genuine) return false;
      const seed = await services.methods.totpSeed(flow.tenantId, flow.userId!);
      if (!seed) return false;
      return verifyTotp(services.db, services.clock, {
        tenantId: flow.tenantId,
        userId: flow.userId!,
        seed,
        code: proof.code,
      });
    }
    case 'security_questions':
      if (!('answers' in proof)) return false;
      return checkAnswers(services, flow, genuine, proof.answers);
  }
}

async function checkAnswers(
  services: GateServices,
  flow: SsprFlow,
  genuine: boolean,
  answers: ReadonlyArray<{ readonly question: string; readonly answer: Secret }>,
): Promise<boolean> {
  const asked = flow.questions;
  if (!asked || asked.length === 0) return false;
  const pool = await questionPool(services, flow);
  // Every asked question is checked (no early exit), so timing says nothing about which failed.
  const results = await Promise.all(
    asked.map(async (index) => {
      const given = answers.find((entry) => entry.question === pool[index]);
      const answer = given?.answer ?? Secret.of('');
      if (!genuine) return verifyPassword(await dummyPasswordHash(), answer).then(() => false);
      const ok = await services.methods.checkSecurityAnswer(
        flow.tenantId,
        flow.userId!,
        index,
        answer,
      );
      return ok && given !== undefined;
    }),
  );
  return results.every(Boolean);
}
