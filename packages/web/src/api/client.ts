import type { RuleViolation } from './types';

/** An API refusal: the registry code, the user-safe message, and the data a page may need. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly rules: readonly RuleViolation[] = [],
    readonly retryAfter: number | null = null,
    readonly issues: readonly { path: string; message: string }[] = [],
    /** The extra facts some codes carry: `allowedAt`, and `scope`/`operation` of a writeback refusal. */
    readonly facts: ErrorFacts = {},
  ) {
    super(message);
  }
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  /** Extra headers: the CSRF token of a session, the SSPR flow token. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ErrorFacts {
  readonly allowedAt?: string;
  readonly scope?: 'tenant' | 'agent';
  readonly operation?: 'reset' | 'change' | 'unlock' | 'force_change';
}

interface ErrorShape {
  error?: {
    code?: string;
    message?: string;
    rules?: RuleViolation[];
    retryAfter?: number;
    issues?: { path: string; message: string }[];
  } & ErrorFacts;
}

/** Calls the Ferry API (same origin, cookies included); throws ApiError on any refusal. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The service cannot be reached.');
  }
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => ({}))) as unknown;
  if (!response.ok) {
    const error = (json as ErrorShape).error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? 'internal_error',
      error.message ?? response.statusText,
      error.rules ?? [],
      error.retryAfter ?? null,
      error.issues ?? [],
      {
        ...(error.allowedAt ? { allowedAt: error.allowedAt } : {}),
        ...(error.scope ? { scope: error.scope } : {}),
        ...(error.operation ? { operation: error.operation } : {}),
      },
    );
  }
  return json as T;
}

export function isApiError(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code));
}
