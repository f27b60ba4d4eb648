import { createHmac } from 'node:crypto';
import { methodKinds, type PasswordResetSettings } from '../directory/password-reset-settings.js';
import type { MethodKind } from '../store/tables.js';
import type { Gate } from './gate.js';

/**
 * Plausible gates for a flow that cannot succeed (unknown user, out of scope, too few
 * methods), so /sspr/start answers alike for every name. They derive from an HMAC of the
 * name under a server key: the same name gets the same gates every time, as a real user would.
 */
export function decoyGates(key: Buffer, upnLower: string, settings: PasswordResetSettings): Gate[] {
  const bytes = createHmac('sha256', key).update(`decoy:${upnLower}`).digest();
  // A per-name random rank for each kind (bytes 2..5), so the chosen subset varies by name.
  const rank = (kind: string) => bytes[2 + methodKinds.indexOf(kind as MethodKind)]!;
  const allowed = [...settings.methodsAllowed].sort((a, b) => rank(a) - rank(b));
  const spare = allowed.length - settings.methodsRequired;
  const count = settings.methodsRequired + (spare > 0 ? bytes[0]! % (spare + 1) : 0);
  const chosen = new Set(allowed.slice(0, count));
  const local = upnLower.split('@')[0] ?? 'x';
  const domain = upnLower.split('@')[1] ?? 'example.test';
  const lastDigits = String(bytes[1]! % 100).padStart(2, '0');
  // Offered in the same fixed order as real gates.
  return settings.methodsAllowed
    .filter((kind) => chosen.has(kind))
    .map((kind) => ({
      kind,
      hint:
        kind === 'email'
          ? `${local.slice(0, 1)}***@${domain}`
          : kind === 'phone'
            ? `+33 ••• •• •• ${lastDigits}`
            : null,
    }));
}
