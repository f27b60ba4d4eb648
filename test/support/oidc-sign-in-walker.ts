import type { AgentResponse, OidcUserAgent } from './oidc-user-agent.js';

export type Hop =
  | { readonly kind: 'page'; readonly uid: string }
  | { readonly kind: 'callback'; readonly url: string }
  | { readonly kind: 'answer'; readonly response: AgentResponse };

/**
 * Walks Ferry's sign-in steps over HTTP as the sign-in page does (the same API calls, with
 * the interaction cookie and the page's CSRF token), for tests that do not need Chromium.
 */
export class SignInWalker {
  csrfToken: string | undefined;
  /** Every stage the page was shown, in order. */
  readonly seen: string[] = [];

  constructor(
    readonly agent: OidcUserAgent,
    /** Where the application receives the browser back. */
    readonly callbackPrefix: string,
  ) {}

  /** Follows redirects from `url` to the sign-in page, the application's callback, or an answer. */
  async go(url: string): Promise<Hop> {
    let next = url;
    for (let hop = 0; hop < 12; hop++) {
      if (next.startsWith(this.callbackPrefix)) return { kind: 'callback', url: next };
      const page = /\/signin\/([\w-]+)$/.exec(new URL(next).pathname);
      if (page) return { kind: 'page', uid: page[1]! };
      const response = await this.agent.get(next);
      if (response.status < 300 || response.status >= 400 || !response.location) {
        return { kind: 'answer', response };
      }
      next = response.location;
    }
    throw new Error(`too many redirects from ${url}`);
  }

  async state(uid: string, origin: string): Promise<AgentResponse> {
    const response = await this.agent.get(`${origin}/api/v1/sign-in/${uid}/state`);
    if (response.status === 200) this.csrfToken = response.json.csrfToken;
    return response;
  }

  step(uid: string, origin: string, path: string, body: unknown = {}): Promise<AgentResponse> {
    return this.agent.request('POST', `${origin}/api/v1/sign-in/${uid}/${path}`, {
      json: body,
      headers: this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {},
    });
  }

  /**
   * The whole sign-in with a password: every consent asked is accepted, every other stage is
   * left to `onStage` (which must return the step's answer). Returns the callback URL.
   */
  async signIn(
    authorizationUrl: string,
    credentials: { upn: string; password: string },
    onStage: (
      stage: string,
      uid: string,
      view: AgentResponse['json'],
    ) => Promise<AgentResponse> = async (stage) => {
      throw new Error(`unexpected sign-in stage ${stage}`);
    },
  ): Promise<string> {
    const origin = new URL(authorizationUrl).origin;
    let hop = await this.go(authorizationUrl);
    for (let round = 0; round < 8; round++) {
      if (hop.kind === 'callback') return hop.url;
      if (hop.kind === 'answer')
        throw new Error(
          `sign-in stopped: ${hop.response.status} ${hop.response.text.slice(0, 300)}`,
        );
      const state = await this.state(hop.uid, origin);
      if (state.status !== 200) throw new Error(`state: ${state.status} ${state.text}`);
      let view = state.json;
      while (!view.redirectTo) {
        this.seen.push(view.stage);
        const answer =
          view.stage === 'password'
            ? await this.step(hop.uid, origin, 'password', {
                userPrincipalName: credentials.upn,
                password: credentials.password,
              })
            : view.stage === 'consent'
              ? await this.step(hop.uid, origin, 'consent', { accept: true })
              : await onStage(view.stage, hop.uid, view);
        if (answer.status !== 200)
          throw new Error(`${view.stage}: ${answer.status} ${answer.text}`);
        view = answer.json;
      }
      hop = await this.go(view.redirectTo);
    }
    throw new Error('sign-in did not end');
  }
}
