import type { Secret } from '@ferry/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from 'oidc-provider';
import type { z } from 'zod';
import { getPasswordResetSettings } from '../../directory/password-reset-settings.js';
import { findUser } from '../../directory/users.js';
import { registrationState } from '../../me/registration-state.js';
import { createPasswordGuard } from '../../oidc/sign-in/password-guard.js';
import { SignInFlow } from '../../oidc/sign-in/sign-in-flow.js';
import { SignInRecords, type SignInRecord } from '../../oidc/sign-in/sign-in-records.js';
import type { SignInView } from '../../oidc/sign-in/sign-in-view.js';
import { writeback } from '../../relay/password-writeback.js';
import { Throttle } from '../../sspr/throttle.js';
import type { UserRow } from '../../store/tables.js';
import { FerryError } from '../../util/ferry-error.js';
import { authenticateUser, setUserSessionCookies } from '../authenticate-user.js';
import { sessionClient } from '../session-client.js';
import { CSRF_HEADER } from '../cookies.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { signInParams, signInViewSchema } from './sign-in-schemas.js';
type Params = { uid: string };

/** What every sign-in route shares: the flow, its dependencies, and the step helpers. */
export type SignInContext = ReturnType<typeof createSignInContext>;

/**
 * The sign-in's wiring: the domain steps get narrow dependencies here (the guard, the
 * pass-through check, mail, codes), and the helpers every route uses to find the interaction
 * through its cookie and check the page's CSRF token.
 */
export function createSignInContext(app: ZodApp, services: Services) {
  const { db, clock, random, audit, methods, defaultTenantId: tenantId } = services;
  const perMinute = credentialRoutesPerMinute(services.config);
  const guard = createPasswordGuard(services);
  const flow = new SignInFlow({
    db,
    clock,
    audit,
    tenantId,
    records: new SignInRecords(db, clock, random),
    methods,
    registration: async (user) =>
      registrationState(
        db,
        await getPasswordResetSettings(db, user.tenant_id),
        user,
        await methods.list(user.tenant_id, user.id),
      ),
  });
  const passwordDeps = {
    db,
    guard,
    verifySyncedPassword: async (user: UserRow, password: Secret) =>
      writeback(services, {
        kind: 'verify_credentials',
        user,
        currentPassword: password,
        selfService: true,
        requestedBy: user.id,
      }),
  };
  const factorDeps = {
    db,
    clock,
    methods,
    codes: services.codes,
    mailer: services.mailer,
    sms: services.sms,
    throttle: new Throttle(db, clock, services.metrics.onThrottled),
    guard,
    log: app.log,
  };

  /** The interaction this browser holds (its cookie), which must be the one in the URL. */
  async function interactionOf(request: FastifyRequest, reply: FastifyReply): Promise<Interaction> {
    const { uid } = request.params as Params;
    let interaction: Interaction;
    try {
      interaction = await services.oidc.provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof FerryError) throw error;
      throw new FerryError('sign_in_expired', `no interaction: ${(error as Error).message}`);
    }
    if (interaction.uid !== uid)
      throw new FerryError('sign_in_expired', 'interaction cookie of another sign-in');
    return interaction;
  }

  /** A step: the interaction, its record (with the page's CSRF token) and the request's source. */
  async function step(request: FastifyRequest, reply: FastifyReply) {
    const interaction = await interactionOf(request, reply);
    const header = request.headers[CSRF_HEADER];
    const record = await flow.recordFor(
      interaction.uid,
      typeof header === 'string' ? header : undefined,
    );
    return { interaction, record, source: { sourceIp: request.ip, requestId: request.id } };
  }

  async function userOf(record: SignInRecord): Promise<UserRow> {
    const user = record.user_id ? await findUser(db, tenantId, record.user_id) : undefined;
    if (!user) throw new FerryError('sign_in_step_invalid', 'no user proved in this sign-in yet');
    return user;
  }

  /**
   * Registration goes through My Account's API: the user, who just proved their password,
   * gets a My Account session for it (as a My Account sign-in would give).
   */
  async function withRegistrationSession(
    request: FastifyRequest,
    reply: FastifyReply,
    view: SignInView,
    userId: string | null,
  ): Promise<z.infer<typeof signInViewSchema>> {
    if (view.stage !== 'register' || !view.registration || !userId) return view;
    const current = await authenticateUser(services, request);
    if (current?.user.id === userId) return view;
    const session = await services.userSessions.issue(tenantId, userId, sessionClient(request));
    setUserSessionCookies(request, reply, session, services.config);
    return {
      ...view,
      registration: { ...view.registration, csrfToken: session.csrfToken.reveal() },
    };
  }

  const stepSchema = <Body extends z.ZodType>(body: Body) => ({
    tags: ['sign-in'],
    params: signInParams,
    body,
    response: { 200: signInViewSchema },
  });
  const bodilessStep = {
    tags: ['sign-in'],
    params: signInParams,
    response: { 200: signInViewSchema },
  };
  const limited = { rateLimit: { max: perMinute, timeWindow: 60_000 } };
  return {
    services,
    db,
    clock,
    tenantId,
    perMinute,
    flow,
    passwordDeps,
    factorDeps,
    interactionOf,
    step,
    userOf,
    withRegistrationSession,
    stepSchema,
    bodilessStep,
    limited,
  };
}
