const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[secret]';

/**
 * A password, one-time code, token or key. It never prints, never serialises to JSON and
 * never shows in `util.inspect` or a template string: the only way to the value is
 * `reveal()`, so every use of the plaintext is a searchable, deliberate call.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  static of(value: string): Secret {
    return new Secret(value);
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  equals(other: Secret): boolean {
    return this.#value === other.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspectSymbol](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
