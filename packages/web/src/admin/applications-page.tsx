import { useState } from 'react';
import type { ApplicationView } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { ApplicationForm, emptyApplication, type ApplicationInput } from './application-form';
import { Switch } from './switch';
import { useLoad } from './use-load';

type Editing =
  { readonly mode: 'new' } | { readonly mode: 'edit'; readonly app: ApplicationView } | null;

/**
 * Applications that sign users in with Ferry (OpenID Connect): register, change, remove,
 * issue a new secret (shown once), and the tenant-wide second-factor rule.
 */
export function ApplicationsPage(props: { readonly onError: (error: unknown) => void }) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('applications');
  const list = useLoad(
    () => adminApi<{ issuer: string | null; applications: ApplicationView[] }>('/applications'),
    props.onError,
  );
  const groups = useLoad(
    () => adminApi<{ groups: { id: string; name: string }[] }>('/groups'),
    props.onError,
  );
  const signIn = useLoad(
    () => adminApi<{ mfaRequired: boolean }>('/settings/sign-in'),
    props.onError,
  );
  const [editing, setEditing] = useState<Editing>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    work()
      .catch((failure: unknown) => {
        setError(failure);
        props.onError(failure);
      })
      .finally(() => setBusy(false));
  };
  const save = (input: ApplicationInput) =>
    run(async () => {
      if (editing?.mode === 'edit') {
        await adminApi(`/applications/${editing.app.clientId}`, { method: 'PUT', body: input });
      } else {
        const created = await adminApi<{
          application: ApplicationView;
          clientSecret: string | null;
        }>('/applications', { body: input });
        if (created.clientSecret)
          setSecret({ name: created.application.name, value: created.clientSecret });
      }
      setEditing(null);
      list.reload();
    });

  if (editing) {
    return (
      <section>
        <StepHeading focusRef={heading}>
          {editing.mode === 'edit' ? editing.app.name : t('admin.apps.new')}
        </StepHeading>
        <ApplicationForm
          initial={editing.mode === 'edit' ? editing.app : emptyApplication}
          editing={editing.mode === 'edit'}
          groups={groups.data?.groups ?? []}
          busy={busy}
          error={error}
          onSave={save}
          onCancel={() => {
            setError(null);
            setEditing(null);
          }}
        />
        {editing.mode === 'edit' ? (
          <div className="button-row">
            {editing.app.kind === 'confidential' ? (
              <Button
                variant="secondary"
                busy={busy}
                onClick={() =>
                  run(async () => {
                    const answer = await adminApi<{ clientSecret: string }>(
                      `/applications/${editing.app.clientId}/secret`,
                      { method: 'POST', body: {} },
                    );
                    setSecret({ name: editing.app.name, value: answer.clientSecret });
                    setEditing(null);
                    list.reload();
                  })
                }
              >
                {t('admin.apps.newSecret')}
              </Button>
            ) : null}
            <Button
              variant="danger"
              busy={busy}
              onClick={() =>
                run(async () => {
                  await adminApi(`/applications/${editing.app.clientId}`, { method: 'DELETE' });
                  setEditing(null);
                  list.reload();
                })
              }
            >
              {t('admin.apps.delete')}
            </Button>
          </div>
        ) : null}
      </section>
    );
  }

  return (
    <section>
      <StepHeading focusRef={heading}>{t('admin.apps.title')}</StepHeading>
      <p className="lead">{t('admin.apps.lead')}</p>
      {list.data?.issuer ? (
        <p>
          {t('admin.apps.issuer')} <code data-testid="issuer">{list.data.issuer}</code>
        </p>
      ) : null}
      {secret ? (
        <Notice tone="warning" testId="client-secret">
          <p>{t('admin.apps.secretOnce', { application: secret.name })}</p>
          <p>
            <code data-testid="client-secret-value">{secret.value}</code>
          </p>
          <Button variant="secondary" onClick={() => setSecret(null)}>
            {t('admin.apps.secretCopied')}
          </Button>
        </Notice>
      ) : null}
      {signIn.data ? (
        <div className="card">
          <Switch
            label={t('admin.apps.tenantMfa')}
            checked={signIn.data.mfaRequired}
            disabled={busy}
            onChange={(mfaRequired) =>
              run(async () => {
                await adminApi('/settings/sign-in', { method: 'PUT', body: { mfaRequired } });
                signIn.reload();
              })
            }
          />
        </div>
      ) : null}
      <OutcomeNotice error={error ?? list.error} />
      <p>
        <Button onClick={() => setEditing({ mode: 'new' })}>{t('admin.apps.new')}</Button>
      </p>
      <table className="data-table" data-testid="applications">
        <thead>
          <tr>
            <th scope="col">{t('admin.apps.name')}</th>
            <th scope="col">{t('admin.apps.clientId')}</th>
            <th scope="col">{t('admin.apps.kind')}</th>
            <th scope="col">{t('admin.apps.access')}</th>
            <th scope="col">{t('admin.apps.mfaShort')}</th>
            <th scope="col">{t('admin.users.col.state')}</th>
            <th scope="col">{t('admin.users.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.applications ?? []).map((app) => (
            <tr key={app.clientId} data-client-id={app.clientId}>
              <td>{app.name}</td>
              <td>
                <code>{app.clientId}</code>
              </td>
              <td>{t(`admin.apps.kind.${app.kind}`)}</td>
              <td>{t(`admin.apps.access.${app.access}`)}</td>
              <td>{app.mfaRequired ? t('common.yes') : t('common.no')}</td>
              <td>{app.enabled ? t('admin.apps.enabledState') : t('admin.apps.disabledState')}</td>
              <td>
                <Button
                  variant="secondary"
                  aria-label={t('admin.apps.edit', { application: app.name })}
                  onClick={() => setEditing({ mode: 'edit', app })}
                >
                  {t('admin.apps.editShort')}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && list.data.applications.length === 0 ? (
        <p className="muted">{t('admin.apps.none')}</p>
      ) : null}
    </section>
  );
}
