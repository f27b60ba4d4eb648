import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { meMethodRoutes } from './me-methods.js';
import { mePasswordRoutes } from './me-password.js';
import { meSessionRoutes } from './me-session.js';

/** My Account: the end user's own session, password and verification methods. */
export function meRoutes(app: ZodApp, services: Services): void {
  meSessionRoutes(app, services);
  mePasswordRoutes(app, services);
  meMethodRoutes(app, services);
}
