import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { meMethodRoutes } from './me-methods.js';
import { mePasswordRoutes } from './me-password.js';
import { meSessionRoutes } from './me-session.js';
import { meSessionsRoutes } from './me-sessions.js';

/** My Account: the end user's own sessions, password and verification methods. */
export function meRoutes(app: ZodApp, services: Services): void {
  meSessionRoutes(app, services);
  mePasswordRoutes(app, services);
  meMethodRoutes(app, services);
  meSessionsRoutes(app, services);
}
