import {
  AGENT_PROTOCOL_VERSION,
  isSupportedProtocol,
  Secret,
  SUPPORTED_AGENT_PROTOCOL,
} from '@ferry/protocol';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { hashToken, newToken } from '../crypto/tokens.js';
import { FerryError } from '../util/ferry-error.js';
import { insertAgent } from './agent-store.js';
import type { Clock, Random } from '../util/clock.js';
import type { Database } from '../store/tables.js';

/** An RSA public key for RSA-OAEP-256 of at least 2048 bits; nothing private may come along. */
export const encryptionJwkSchema = z
  .object({ kty: z.literal('RSA'), n: z.string().min(342).max(1400), e: z.string().min(1).max(16) })
  .loose()
  .refine((jwk) => !('d' in jwk), 'must be a public key');

/** An Ed25519 public key. */
export const signingJwkSchema = z
  .object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().length(43) })
  .loose()
  .refine((jwk) => !('d' in jwk), 'must be a public key');

export const enrollRequestSchema = z.object({
  token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(128),
  hostname: z.string().trim().min(1).max(255),
  agentVersion: z.string().min(1).max(64),
  protocolVersion: z.number().int(),
  encryptionKey: encryptionJwkSchema,
  signingKey: signingJwkSchema,
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

/** A one-time token; only its digest is stored, the token is shown to the admin once. */
export async function createEnrollmentToken(
  db: Kysely<Database>,
  options: {
    tenantId: string;
    createdBy: string | null;
    minutes: number;
    clock: Clock;
    random: Random;
  },
): Promise<{ id: string; token: Secret; expiresAt: Date }> {
  const token = newToken(options.random);
  const now = options.clock.now();
  const expiresAt = new Date(now.getTime() + options.minutes * 60_000);
  const id = options.random.uuid();
  await db
    .insertInto('agent_enrollment_tokens')
    .values({
      id,
      tenant_id: options.tenantId,
      token_hash: hashToken(token),
      created_by: options.createdBy,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      used_at: null,
      used_by_agent: null,
    })
    .execute();
  return { id, token, expiresAt };
}

/**
 * Spends a token (atomically: two agents racing with one token, one wins) and registers the
 * agent's public keys. Unknown, used and expired tokens get the same answer.
 */
export async function redeemEnrollmentToken(
  db: Kysely<Database>,
  request: EnrollRequest,
  options: { clock: Clock; random: Random },
): Promise<{ agentId: string; tenantId: string }> {
  if (!isSupportedProtocol(request.protocolVersion)) {
    throw new FerryError(
      'protocol_incompatible',
      `agent speaks protocol ${request.protocolVersion}; this cloud supports ${SUPPORTED_AGENT_PROTOCOL.min}..${SUPPORTED_AGENT_PROTOCOL.max} (current ${AGENT_PROTOCOL_VERSION})`,
    );
  }
  const now = options.clock.now().toISOString();
  const agentId = options.random.uuid();
  return db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable('agent_enrollment_tokens')
      .set({ used_at: now, used_by_agent: agentId })
      .where('token_hash', '=', hashToken(Secret.of(request.token)))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['tenant_id'])
      .executeTakeFirst();
    if (!spent)
      throw new FerryError('enrollment_token_invalid', 'unknown, used or expired enrollment token');
    await insertAgent(trx, {
      id: agentId,
      tenantId: spent.tenant_id,
      name: request.name,
      hostname: request.hostname,
      version: request.agentVersion,
      encryptionKey: publicOnly(request.encryptionKey, ['kty', 'n', 'e']),
      signingKey: publicOnly(request.signingKey, ['kty', 'crv', 'x']),
      now,
    });
    return { agentId, tenantId: spent.tenant_id };
  });
}

/** Keeps only the public members of a JWK (anything else, e.g. `d`, is dropped). */
export function publicOnly(jwk: Record<string, unknown>, members: readonly string[]): JWK {
  return Object.fromEntries(members.map((member) => [member, jwk[member]])) as JWK;
}
