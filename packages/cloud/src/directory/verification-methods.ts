import { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../crypto/password-hash.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, MethodKind } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

export interface MethodView {
  kind: MethodKind;
  /** Email address or phone number; question texts for security questions; null for TOTP. */
  value: string | null;
  questions: string[] | null;
  registeredAt: string;
}

export interface SecurityAnswer {
  readonly question: string;
  readonly answer: Secret;
}

/**
 * A user's verification methods. Email and phone are contact data, stored as given; the TOTP
 * seed is sealed with AES-256-GCM under the data key; security answers are Argon2id hashes
 * of the normalised answer.
 */
export class VerificationMethods {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly box: SecretBox,
  ) {}

  async list(tenantId: string, userId: string): Promise<MethodView[]> {
    const rows = await this.db
      .selectFrom('verification_methods')
      .select(['kind', 'value', 'registered_at'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .orderBy('kind')
      .execute();
    return rows.map((row) => ({
      kind: row.kind,
      value: row.kind === 'email' || row.kind === 'phone' ? row.value : null,
      questions:
        row.kind === 'security_questions' && row.value ? (JSON.parse(row.value) as string[]) : null,
      registeredAt: row.registered_at,
    }));
  }

  setEmail(tenantId: string, userId: string, address: string): Promise<void> {
    return this.#put(tenantId, userId, 'email', address, null);
  }

  setPhone(tenantId: string, userId: string, number: string): Promise<void> {
    return this.#put(tenantId, userId, 'phone', number, null);
  }

  setTotp(tenantId: string, userId: string, seed: Secret): Promise<void> {
    const sealed = this.box.seal(seed, totpAad(tenantId, userId));
    return this.#put(tenantId, userId, 'totp', null, sealed);
  }

  async totpSeed(tenantId: string, userId: string): Promise<Secret | undefined> {
    const sealed = await this.#protected(tenantId, userId, 'totp');
    return sealed ? this.box.open(sealed, totpAad(tenantId, userId)) : undefined;
  }

  async setSecurityAnswers(
    tenantId: string,
    userId: string,
    answers: readonly SecurityAnswer[],
  ): Promise<void> {
    const hashes = await Promise.all(
      answers.map(({ answer }) => hashPassword(normaliseAnswer(answer))),
    );
    const questions = answers.map(({ question }) => question);
    await this.#put(
      tenantId,
      userId,
      'security_questions',
      JSON.stringify(questions),
      JSON.stringify(hashes),
    );
  }

  /** True when the answer matches the stored hash of the question at `index`. */
  async checkSecurityAnswer(
    tenantId: string,
    userId: string,
    index: number,
    answer: Secret,
  ): Promise<boolean> {
    const stored = await this.#protected(tenantId, userId, 'security_questions');
    const hash = stored ? (JSON.parse(stored) as string[])[index] : undefined;
    return hash ? verifyPassword(hash, normaliseAnswer(answer)) : false;
  }

  async remove(tenantId: string, userId: string, kind: MethodKind): Promise<boolean> {
    const result = await this.db
      .deleteFrom('verification_methods')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async #protected(tenantId: string, userId: string, kind: MethodKind): Promise<string | null> {
    const row = await this.db
      .selectFrom('verification_methods')
      .select('protected_value')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row?.protected_value ?? null;
  }

  async #put(
    tenantId: string,
    userId: string,
    kind: MethodKind,
    value: string | null,
    protectedValue: string | null,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .deleteFrom('verification_methods')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .execute();
      await tx
        .insertInto('verification_methods')
        .values({
          id: this.random.uuid(),
          tenant_id: tenantId,
          user_id: userId,
          kind,
          value,
          protected_value: protectedValue,
          registered_at: this.clock.now().toISOString(),
        })
        .execute();
    });
  }
}

function totpAad(tenantId: string, userId: string): string {
  return `totp:${tenantId}:${userId}`;
}

// Answers compare case- and space-insensitively, as people retype them differently.
function normaliseAnswer(answer: Secret): Secret {
  const text = answer.reveal().normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return Secret.of(text);
}
