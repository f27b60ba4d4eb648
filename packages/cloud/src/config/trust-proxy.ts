import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Whom the cloud believes about the client's address: nobody (`false`), the last N proxies in
 * front of it (a hop count), or proxies at these addresses and ranges. Fastify's `trustProxy`
 * takes each form as is. "Every X-Forwarded-For" is not offered: any client could then choose
 * its address and step around every per-IP limit.
 */
export type TrustProxy = false | number | string[];

const MAX_HOPS = 10;

/** Parses `FERRY_TRUST_PROXY`: off, a hop count (1–10), or comma-separated IPs and CIDR ranges. */
export const trustProxySchema = z
  .union([z.literal(false), z.number(), z.string()])
  .default(false)
  .transform((value, context): TrustProxy => {
    const text = String(value).trim();
    if (value === false || ['', 'false', 'off', 'no', '0'].includes(text)) return false;
    if (text === 'true' || text === 'on')
      return invalid(
        context,
        'trusting every X-Forwarded-For lets any client choose its address; give the number ' +
          'of proxies in front of the cloud (e.g. 1) or their addresses/ranges (e.g. 10.0.0.0/8)',
      );
    if (/^\d+$/.test(text)) {
      const hops = Number(text);
      return hops <= MAX_HOPS ? hops : invalid(context, `at most ${MAX_HOPS} proxy hops`);
    }
    const ranges = text.split(',').map((item) => item.trim());
    const bad = ranges.find((range) => !isAddressOrRange(range));
    return bad === undefined
      ? ranges
      : invalid(context, `"${bad}" is not an IP address or CIDR range`);
  });

function isAddressOrRange(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function invalid(context: z.RefinementCtx, message: string): never {
  context.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/**
 * The form Fastify takes: ranges as they are; a hop count as a function trusting the first N
 * peers (Fastify's own number form now trusts nobody; loadConfig allows hops only on loopback).
 */
export function fastifyTrustProxy(
  setting: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}
