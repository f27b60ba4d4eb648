import type { Config } from '../config/schema.js';

/**
 * Requests per minute for routes that take a credential without a session (sign-in,
 * enrollment, self-service change): a twentieth of the general limit, at least 10.
 */
export function credentialRoutesPerMinute(config: Config): number {
  return Math.max(10, Math.floor(config.rateLimitPerMinute / 20));
}
