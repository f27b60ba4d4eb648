import {
  importKey,
  SIGNING_ALG,
  verifyProof,
  type AgentMessage,
  type CloudMessage,
} from '@ferry/protocol';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { keyRotationPending, replaceAgentKeys } from './agent-store.js';
import type { AgentSession } from './agent-sessions.js';
import { encryptionJwkSchema, publicOnly, signingJwkSchema } from './enrollment.js';

export interface KeyRotationOptions {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * Replaces the agent's public keys once it proves it holds the new signing key, and only
 * when the cloud asked for new keys (an admin's request not yet answered): an agent, or
 * whoever took over its session, cannot swap the keys on its own. One request allows one
 * rotation. The session stays up; operations already encrypted to the old key still open,
 * because the agent keeps its previous decryption key.
 */
export async function rotateKeys(
  options: KeyRotationOptions,
  session: AgentSession,
  message: Extract<AgentMessage, { type: 'rotate_keys' }>,
): Promise<CloudMessage> {
  if (!(await keyRotationPending(options.db, session.agentId))) {
    options.log.warn({ agentId: session.agentId }, 'agent gateway: unrequested key rotation');
    return { type: 'keys_rotated', accepted: false, reason: 'the cloud did not ask for new keys' };
  }
  const encryption = encryptionJwkSchema.safeParse(message.encryptionKey);
  const signing = signingJwkSchema.safeParse(message.signingKey);
  if (!encryption.success || !signing.success) {
    return {
      type: 'keys_rotated',
      accepted: false,
      reason: 'keys are not public RSA-2048+/Ed25519 keys',
    };
  }
  const newSigningKey = await importKey(signing.data as JWK, SIGNING_ALG);
  const proven = await verifyProof(newSigningKey, message.proof, {
    nonce: session.sessionId,
    agentId: session.agentId,
  });
  if (!proven)
    return { type: 'keys_rotated', accepted: false, reason: 'no proof of the new signing key' };
  await replaceAgentKeys(options.db, session.agentId, {
    encryptionKey: publicOnly(encryption.data, ['kty', 'n', 'e']),
    signingKey: publicOnly(signing.data, ['kty', 'crv', 'x']),
    now: options.clock.now(),
  });
  options.log.info({ agentId: session.agentId }, 'agent gateway: agent keys rotated');
  return { type: 'keys_rotated', accepted: true };
}
