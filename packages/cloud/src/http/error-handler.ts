import type { ErrorCode } from '@ferry/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FerryError, type ValidationIssue } from '../util/ferry-error.js';
import type { ErrorBody } from './error-body.js';

/**
 * A peer Ferry relies on failed: worth an operator's attention (warn), but an expected,
 * typed answer, so no stack. Gates the tenant did not configure and limits are not here: an
 * anonymous caller can trigger them at will, so they stay at info.
 */
const peerFailures = new Set<ErrorCode>([
  'mail_failed',
  'sms_failed',
  'directory_unavailable',
  'directory_error',
  'agent_unavailable',
  'operation_rejected',
  'not_ready',
]);

/**
 * Turns every failure into the registry's error shape. Only the unexpected (an exception
 * that is not a typed refusal, or internal_error) is logged at error level with its stack.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | FerryError | z.ZodError, request, reply) => {
    const failure = toFerryError(error);
    const expected = error instanceof FerryError && failure.code !== 'internal_error';
    if (!expected && failure.httpStatus >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (peerFailures.has(failure.code)) {
      request.log.warn({ code: failure.code, detail: failure.message }, 'request refused');
    } else {
      request.log.info({ code: failure.code, detail: failure.message }, 'request refused');
    }
    return sendError(request, reply, failure);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new FerryError('not_found', 'no such route')),
  );
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  failure: FerryError,
): FastifyReply {
  request.errorCode = failure.code;
  const body: ErrorBody = {
    error: {
      code: failure.code,
      message: failure.publicMessage,
      ...(failure.issues ? { issues: [...failure.issues] } : {}),
      ...(failure.retryAfterSeconds ? { retryAfter: failure.retryAfterSeconds } : {}),
      ...(failure.allowedAt ? { allowedAt: failure.allowedAt.toISOString() } : {}),
      ...(failure.rules ? { rules: [...failure.rules] } : {}),
      ...(failure.scope ? { scope: failure.scope } : {}),
      ...(failure.operation ? { operation: failure.operation } : {}),
      requestId: request.id,
    },
  };
  if (failure.retryAfterSeconds) reply.header('retry-after', String(failure.retryAfterSeconds));
  // The body is written as is: route response schemas describe successes only.
  return reply
    .code(failure.httpStatus)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(body);
}

function toFerryError(error: unknown): FerryError {
  if (error instanceof FerryError) return error;
  // Only request validation carries a validationContext; a ZodError from a response schema or
  // from stored data is our bug, not the caller's.
  const context = (error as { validationContext?: string }).validationContext;
  if (error instanceof z.ZodError && context) {
    return new FerryError('validation_failed', 'schema validation failed', {
      issues: error.issues.map((issue) => toIssue(context, issue)),
    });
  }
  const status =
    error instanceof z.ZodError ? 500 : ((error as { statusCode?: number }).statusCode ?? 500);
  const code: ErrorCode =
    status === 404
      ? 'not_found'
      : status === 429
        ? 'rate_limited'
        : status < 500
          ? 'validation_failed'
          : 'internal_error';
  // Fastify's own 4xx texts (bad JSON, wrong content type) are fixed strings, safe to pass on;
  // any other text might quote input, so it stays in the log.
  const fastifyCode = String((error as { code?: unknown }).code ?? '');
  const issues =
    code === 'validation_failed' && fastifyCode.startsWith('FST_')
      ? [{ path: '', message: (error as Error).message }]
      : undefined;
  return new FerryError(code, (error as Error).message, issues ? { issues } : {});
}

function toIssue(context: string | undefined, issue: z.core.$ZodIssue): ValidationIssue {
  const path = [context, ...issue.path.map(String)].filter(Boolean).join('.');
  return { path, message: issue.message };
}
