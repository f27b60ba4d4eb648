import { hostname } from 'node:os';
import {
  AGENT_PROTOCOL_VERSION,
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  type Secret,
} from '@ferry/protocol';
import { z } from 'zod';
import { AGENT_VERSION } from '../version.js';
import { saveEnrollment, type AgentIdentity, type StatePaths } from './agent-state.js';
import { postCloudJson, type CloudAnswer } from '../transport/cloud-request.js';
import { cloudEndpoint } from '../transport/gateway-url.js';

const enrollResponseSchema = z.object({
  agentId: z.string().min(1),
  tenantId: z.string().min(1),
  cloudSigningKey: z.record(z.string(), z.unknown()),
  gatewayPath: z.string().startsWith('/'),
});

export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Creates the agent's key pairs, registers the public halves with the cloud using a
 * one-time enrollment token, and stores the private halves locally. The token travels only
 * in the request body, never in a URL.
 */
export async function enroll(options: {
  readonly cloudUrl: string;
  readonly token: Secret;
  readonly name: string;
  readonly paths: StatePaths;
  /** PEM of the CA that signed the cloud's certificate (else the system store). */
  readonly ca?: Buffer | undefined;
}): Promise<AgentIdentity> {
  // Checked before any key is made: the token and the pinned key never travel in clear.
  const url = cloudEndpoint(options.cloudUrl, '/api/v1/agents/enroll');
  const encryption = await generateEncryptionKeyPair();
  const signing = await generateSigningKeyPair();
  let response: CloudAnswer;
  try {
    response = await postCloudJson(
      url,
      {
        token: options.token.reveal(),
        name: options.name,
        hostname: hostname(),
        agentVersion: AGENT_VERSION,
        protocolVersion: AGENT_PROTOCOL_VERSION,
        encryptionKey: encryption.publicJwk,
        signingKey: signing.publicJwk,
      },
      options.ca,
    );
  } catch (error) {
    throw new EnrollmentError(
      `cannot reach the cloud at ${url.origin}: ${(error as Error).message}`,
      'cloud_unreachable',
    );
  }
  const body = response.body as { error?: { code?: string; message?: string } };
  if (response.status !== 201) {
    throw new EnrollmentError(
      `enrollment refused (${response.status}): ${body.error?.message ?? 'no reason given'}`,
      body.error?.code ?? 'enrollment_refused',
    );
  }
  const answer = enrollResponseSchema.parse(body);
  const identity: AgentIdentity = {
    ...answer,
    cloudUrl: new URL(options.cloudUrl).origin,
    enrolledAt: new Date().toISOString(),
  };
  await saveEnrollment(options.paths, identity, { encryption, signing });
  return identity;
}
