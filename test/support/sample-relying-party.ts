import * as client from 'openid-client';

export interface RelyingPartyOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** Confidential applications authenticate with client_secret_basic; public ones with none. */
  readonly clientSecret?: string | undefined;
  readonly redirectUri: string;
}

export interface PendingAuthorization {
  readonly url: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly state: string;
}

/**
 * The sample application of the tests: a relying party built on `openid-client`, which checks
 * discovery (issuer equality), and validates every ID token itself — signature against the
 * JWKS, issuer, audience, nonce, expiry — and the PKCE, state and response parameters.
 */
export class SampleRelyingParty {
  private constructor(
    readonly config: client.Configuration,
    readonly options: RelyingPartyOptions,
  ) {}

  static async discover(options: RelyingPartyOptions): Promise<SampleRelyingParty> {
    const config = await client.discovery(
      new URL(options.issuer),
      options.clientId,
      undefined,
      options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None(),
      { execute: [client.allowInsecureRequests] },
    );
    return new SampleRelyingParty(config, options);
  }

  async authorizationUrl(
    scope = 'openid profile email',
    extra: Record<string, string> = {},
  ): Promise<PendingAuthorization> {
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(this.config, {
      redirect_uri: this.options.redirectUri,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      ...extra,
    });
    return { url: url.href, codeVerifier, nonce, state };
  }

  /** Redeems the code of the callback URL; throws when anything fails validation. */
  async callback(callbackUrl: string, pending: PendingAuthorization) {
    return client.authorizationCodeGrant(this.config, new URL(callbackUrl), {
      pkceCodeVerifier: pending.codeVerifier,
      expectedNonce: pending.nonce,
      expectedState: pending.state,
      idTokenExpected: true,
    });
  }

  refresh(refreshToken: string) {
    return client.refreshTokenGrant(this.config, refreshToken);
  }

  userInfo(accessToken: string, sub: string) {
    return client.fetchUserInfo(this.config, accessToken, sub);
  }

  revoke(token: string) {
    return client.tokenRevocation(this.config, token);
  }

  endSessionUrl(idToken: string, postLogoutRedirectUri: string): string {
    return client.buildEndSessionUrl(this.config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: postLogoutRedirectUri,
    }).href;
  }
}
