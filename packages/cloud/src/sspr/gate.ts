import type { MethodKind } from '../store/tables.js';

/** A verification step offered to the person resetting: its kind and a masked hint. */
export interface Gate {
  readonly kind: MethodKind;
  /** Masked address or number; null for TOTP and security questions. */
  readonly hint: string | null;
}

/** `alice@example.test` -> `a***@example.test`. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at) : address;
  const domain = at > 0 ? address.slice(at + 1) : '';
  return `${local.slice(0, 1)}***@${domain}`;
}

/**
 * `+33 6 12 34 56 42` -> `+33 ••• •• •• 42`: the first two and last two digits, always the
 * same shape whatever the length, so the hint says no more than that.
 */
export function maskPhone(number: string): string {
  const digits = number.replace(/\D/g, '');
  return `+${digits.slice(0, 2)} ••• •• •• ${digits.slice(-2)}`;
}
