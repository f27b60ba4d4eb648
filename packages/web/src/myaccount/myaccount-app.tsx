import { useEffect, useState } from 'react';
import { isApiError } from '../api/client';
import type { MeView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Layout } from '../ui/layout';
import { usePath } from '../ui/router';
import { SideNavLayout } from '../ui/side-nav-layout';
import { ChangePasswordPage } from './change-password-page';
import { meApi } from './me-api';
import { MustChangePassword, type MustChangeReason } from './must-change-password';
import { OverviewPage } from './overview-page';
import { ReauthDialog } from './reauth-dialog';
import { SecurityInfoPage } from './security-info-page';
import { SessionsPage } from './sessions-page';
import { UserSignIn } from './user-sign-in';

const pages = [
  ['', 'me.nav.overview'],
  ['password', 'me.nav.password'],
  ['security', 'me.nav.security'],
  ['sessions', 'me.nav.sessions'],
] as const satisfies readonly (readonly [string, MessageKey])[];

type State =
  | { readonly name: 'loading' }
  | { readonly name: 'signedOut'; readonly notice?: MessageKey }
  | { readonly name: 'mustChange'; readonly upn: string; readonly reason: MustChangeReason }
  | { readonly name: 'signedIn'; readonly me: MeView };

/**
 * My Account: sign-in (with the forced change when AD or an admin demands it), then four
 * pages; the re-proof dialog stands by for method changes.
 */
export function MyAccountApp() {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ name: 'loading' });
  const [path, navigate] = usePath();

  useEffect(() => {
    meApi<MeView>('/me')
      .then((me) => setState({ name: 'signedIn', me }))
      .catch(() => setState({ name: 'signedOut' }));
  }, []);

  const refresh = (): void => {
    meApi<MeView>('/me')
      .then((me) => setState({ name: 'signedIn', me }))
      .catch((error: unknown) => {
        if (isApiError(error, 'unauthenticated')) setState({ name: 'signedOut' });
      });
  };

  if (state.name === 'loading') {
    return (
      <Layout section={t('me.title')}>
        <p role="status">{t('common.loading')}</p>
      </Layout>
    );
  }
  if (state.name === 'signedOut') {
    return (
      <Layout section={t('me.title')}>
        <UserSignIn
          notice={state.notice ?? null}
          onSignedIn={(me) => setState({ name: 'signedIn', me })}
          onMustChange={(upn, reason) => setState({ name: 'mustChange', upn, reason })}
        />
      </Layout>
    );
  }
  if (state.name === 'mustChange') {
    return (
      <Layout section={t('me.title')}>
        <MustChangePassword
          upn={state.upn}
          reason={state.reason}
          onChanged={() => setState({ name: 'signedOut', notice: 'me.mustChange.done' })}
          onCancel={() => setState({ name: 'signedOut' })}
        />
      </Layout>
    );
  }
  const { me } = state;
  const current = pages.find(([id]) => path === `/myaccount/${id}` && id !== '')?.[0] ?? '';
  const signOut = async () => {
    await meApi('/me/sign-out', { method: 'POST' }).catch(() => undefined);
    setState({ name: 'signedOut' });
  };
  return (
    <SideNavLayout
      section={t('me.title')}
      navLabel={t('me.title')}
      signedInAs={me.userPrincipalName}
      onSignOut={() => void signOut()}
      base="/myaccount"
      pages={pages}
      current={current}
      navigate={navigate}
    >
      {current === '' ? (
        <OverviewPage
          me={me}
          onRegister={() => navigate('/myaccount/security')}
          onReviewed={() =>
            void meApi('/me/registration/review', { method: 'POST' }).then(refresh, refresh)
          }
        />
      ) : null}
      {current === 'password' ? <ChangePasswordPage /> : null}
      {current === 'security' ? <SecurityInfoPage me={me} onChanged={refresh} /> : null}
      {current === 'sessions' ? <SessionsPage /> : null}
      <ReauthDialog />
    </SideNavLayout>
  );
}
