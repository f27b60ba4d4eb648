import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { fastifyTrustProxy } from '../config/trust-proxy.js';
import { readTlsFiles } from './tls.js';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { FerryError } from '../util/ferry-error.js';
import { AccessLog } from './access-log.js';
import { installAuditHook } from './audit-hook.js';
import { installErrorHandling, sendError } from './error-handler.js';
import { installHttpMetrics } from './metrics.js';
import './request-context.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { bootstrapRoutes } from './routes/bootstrap.js';
import { agentsRoutes } from './routes/agents.js';
import { agentDoctorRoutes } from './routes/agent-doctor.js';
import { registrationCoverageRoutes } from './routes/registration-coverage.js';
import { cloudKeyRoutes } from './routes/cloud-key.js';
import { applicationsRoutes } from './routes/applications.js';
import { groupsRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { meRoutes } from './routes/me.js';
import { passwordPolicyRoutes } from './routes/password-policy.js';
import { selfServiceRoutes } from './routes/self-service.js';
import { settingsRoutes } from './routes/settings.js';
import { signInRoutes } from './routes/sign-in.js';
import { ssprRoutes } from './routes/sspr.js';
import { syncRoutes } from './routes/sync.js';
import { userCredentialRoutes } from './routes/user-credentials.js';
import { userMethodRoutes } from './routes/user-methods.js';
import { usersRoutes } from './routes/users.js';
import type { Services } from './services.js';
import { installWebApp } from './web-app.js';
import {
  zodSerializerCompiler,
  zodToOpenApi,
  zodValidatorCompiler,
  type ZodApp,
  type ZodTypeProvider,
} from './zod-schemas.js';

/** A route module: later subsystems (agents, sync) add theirs to `routeModules`. */
export type RouteModule = (app: ZodApp, services: Services) => void;

export const routeModules: readonly RouteModule[] = [
  authRoutes,
  bootstrapRoutes,
  usersRoutes,
  userCredentialRoutes,
  userMethodRoutes,
  groupsRoutes,
  settingsRoutes,
  registrationCoverageRoutes,
  auditRoutes,
  agentsRoutes,
  agentDoctorRoutes,
  cloudKeyRoutes,
  selfServiceRoutes,
  syncRoutes,
  passwordPolicyRoutes,
  ssprRoutes,
  meRoutes,
  applicationsRoutes,
  signInRoutes,
];

/** Builds the HTTP server with its plugins, hooks and routes; it does not listen. */
export async function buildServer(services: Services, logger: Logger): Promise<ZodApp> {
  const tls = readTlsFiles(services.config);
  const app = Fastify({
    ...(tls ? { https: tls } : {}),
    // pino's Logger is wider than Fastify's logger type; Fastify accepts it at runtime.
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: fastifyTrustProxy(services.config.trustProxy),
    genReqId: () => services.random.uuid(),
    requestIdHeader: false,
    bodyLimit: 64 * 1024,
    logController: new AccessLog(),
    // A malformed or overlong URL is refused before routing; Fastify's own body would quote
    // the URL back and skip the registry's shape (found by the fuzz suite).
    frameworkErrors: (error, request, reply) => {
      request.log.info({ code: 'validation_failed', detail: error.code }, 'request refused');
      // The reply is sent here; a FastifyReply is thenable only to wait for that send, and
      // this hook expects nothing back.
      void sendError(
        request,
        reply,
        new FerryError('validation_failed', error.code, {
          issues: [{ path: 'url', message: 'not a valid URL, or a path segment is too long' }],
        }),
      );
    },
    // With https the instance is typed for node:https; routes and hooks are the same.
  }).withTypeProvider<ZodTypeProvider>() as unknown as ZodApp;
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(zodSerializerCompiler);
  app.decorateRequest('admin', null);
  app.decorateRequest('auditTarget', null);
  app.decorateRequest('auditDetail', null);
  app.decorateRequest('errorCode', null);
  installErrorHandling(app);

  // Browsers upgrade a page's requests to https only when the cloud is served over https;
  // on a plain-http address (a lab, a LAN demo) the directive would break the web app.
  const servedOverHttps = services.config.publicUrl?.startsWith('https:') ?? false;
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { upgradeInsecureRequests: servedOverHttps ? [] : null },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    max: services.config.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new FerryError('rate_limited', 'rate limit reached', {
        retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
        // The limiter counts in wall-clock time, so its instant is the wall clock's too.
        allowedAt: new Date(Date.now() + context.ttl),
      }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Ferry cloud API', version: '1' },
      tags: [
        'auth',
        'users',
        'methods',
        'groups',
        'settings',
        'audit',
        'agents',
        'self-service',
        'me',
        'applications',
        'sign-in',
        'ops',
      ].map((name) => ({
        name,
      })),
    },
    transform: zodToOpenApi,
  });
  installHttpMetrics(app, services.metrics);
  installAuditHook(app, services.audit);

  healthRoutes(app, services);
  for (const register of routeModules) register(app, services);
  services.oidc.mount(app);
  await installWebApp(app, services.config.webDir);
  return app;
}
