import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { z } from 'zod';
import { FerryError } from '../util/ferry-error.js';
import { installErrorHandling } from './error-handler.js';
import './request-context.js';
import {
  zodSerializerCompiler,
  zodValidatorCompiler,
  type ZodTypeProvider,
} from './zod-schemas.js';

async function app() {
  const server = Fastify().withTypeProvider<ZodTypeProvider>();
  server.setValidatorCompiler(zodValidatorCompiler);
  server.setSerializerCompiler(zodSerializerCompiler);
  server.decorateRequest('errorCode', null);
  installErrorHandling(server);
  const shape = z.object({ name: z.string() });
  server.post('/echo', { schema: { body: shape, response: { 200: shape } } }, async (request) => ({
    ...request.body,
    extra: 'dropped by the response schema',
  }));
  server.get(
    '/bad-shape',
    { schema: { response: { 200: shape } } },
    async () => ({ name: 1 }) as never,
  );
  server.get('/locked', async () => {
    throw new FerryError('sign_in_locked', 'operator detail', { retryAfterSeconds: 30 });
  });
  return server;
}

test('responses pass through their schema as an allow-list', async () => {
  const response = await (
    await app()
  ).inject({ method: 'POST', url: '/echo', payload: { name: 'a' } });
  assert.deepEqual(response.json(), { name: 'a' });
});

test('request validation is validation_failed with located issues', async () => {
  const response = await (
    await app()
  ).inject({ method: 'POST', url: '/echo', payload: { name: 2 } });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error.code, 'validation_failed');
  assert.equal(response.json().error.issues[0].path, 'body.name');
});

test('a response that breaks its own schema is internal_error, not the caller fault', async () => {
  const response = await (await app()).inject({ method: 'GET', url: '/bad-shape' });
  assert.equal(response.statusCode, 500);
  assert.equal(response.json().error.code, 'internal_error');
});

test('a FerryError keeps its registry status, safe message and Retry-After; detail stays out', async () => {
  const response = await (await app()).inject({ method: 'GET', url: '/locked' });
  assert.equal(response.statusCode, 423);
  assert.equal(response.headers['retry-after'], '30');
  assert.equal(response.json().error.retryAfter, 30);
  assert.doesNotMatch(response.body, /operator detail/);
});
