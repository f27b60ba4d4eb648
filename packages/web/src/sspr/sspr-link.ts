import type { SsprAction } from './start-step';

/**
 * What a link into the portal may carry: the user name, reset or unlock, and the sign-in page
 * to go back to (only a Ferry sign-in path: the portal never sends anyone elsewhere).
 */
export function ssprLinkParams(search: string = window.location.search): {
  readonly upn: string;
  readonly action: SsprAction;
  readonly returnTo: string | null;
} {
  const params = new URLSearchParams(search);
  const returnTo = params.get('returnTo');
  return {
    upn: (params.get('upn') ?? '').slice(0, 256),
    action: params.get('action') === 'unlock' ? 'unlock' : 'reset',
    returnTo: returnTo && /^\/signin\/[\w-]{10,64}$/.test(returnTo) ? returnTo : null,
  };
}
