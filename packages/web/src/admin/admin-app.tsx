import { useEffect, useState } from 'react';
import { isApiError } from '../api/client';
import type { AdminMe } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Layout } from '../ui/layout';
import { usePath } from '../ui/router';
import { SideNavLayout } from '../ui/side-nav-layout';
import { adminApi } from './admin-api';
import { AdminSignIn } from './admin-sign-in';
import { AgentsPage } from './agents-page';
import { ApplicationsPage } from './applications-page';
import { AuditPage } from './audit-page';
import { OnPremisesBlade } from './on-premises-blade';
import { ResetSettingsPage } from './reset-settings-page';
import { SyncRunsPage } from './sync-runs-page';
import { UsersPage } from './users-page';

const sections = [
  ['onprem', 'admin.nav.onprem'],
  ['reset', 'admin.nav.reset'],
  ['users', 'admin.nav.users'],
  ['applications', 'admin.nav.applications'],
  ['agents', 'admin.nav.agents'],
  ['sync', 'admin.nav.sync'],
  ['audit', 'admin.nav.audit'],
] as const satisfies readonly (readonly [string, MessageKey])[];
type Section = (typeof sections)[number][0];

/** The Admin center: sign-in, then one blade per section with a side navigation. */
export function AdminApp() {
  const { t } = useI18n();
  const [me, setMe] = useState<AdminMe | null | undefined>(undefined);
  const [path, navigate] = usePath();

  useEffect(() => {
    adminApi<AdminMe>('/auth/me')
      .then(setMe)
      .catch(() => setMe(null));
  }, []);

  const signOut = async () => {
    await adminApi('/auth/sign-out', { method: 'POST' }).catch(() => undefined);
    setMe(null);
  };

  if (me === undefined) {
    return (
      <Layout section={t('admin.title')}>
        <p role="status">{t('common.loading')}</p>
      </Layout>
    );
  }
  if (me === null) {
    return (
      <Layout section={t('admin.title')}>
        <AdminSignIn onSignedIn={setMe} />
      </Layout>
    );
  }
  const current = (sections.find(([id]) => path === `/admin/${id}`)?.[0] ?? 'onprem') as Section;
  const onSessionLost = (error: unknown) => {
    if (isApiError(error, 'unauthenticated')) setMe(null);
  };
  return (
    <SideNavLayout
      section={t('admin.title')}
      navLabel={t('admin.nav')}
      signedInAs={me.upn}
      onSignOut={() => void signOut()}
      base="/admin"
      pages={sections}
      current={current}
      navigate={navigate}
    >
      {current === 'onprem' ? <OnPremisesBlade onError={onSessionLost} /> : null}
      {current === 'reset' ? <ResetSettingsPage onError={onSessionLost} /> : null}
      {current === 'users' ? <UsersPage onError={onSessionLost} /> : null}
      {current === 'applications' ? <ApplicationsPage onError={onSessionLost} /> : null}
      {current === 'agents' ? <AgentsPage onError={onSessionLost} /> : null}
      {current === 'sync' ? <SyncRunsPage onError={onSessionLost} /> : null}
      {current === 'audit' ? <AuditPage onError={onSessionLost} /> : null}
    </SideNavLayout>
  );
}
