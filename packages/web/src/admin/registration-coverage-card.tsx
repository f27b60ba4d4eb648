import { useState } from 'react';
import type { CoverageView } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { useLoad } from './use-load';

/**
 * Registration coverage (users in SSPR scope with enough methods to reset, of all), and the
 * "Require registration at next sign-in" action. `version` reloads it after a save.
 */
export function RegistrationCoverageCard(props: {
  readonly onError: (error: unknown) => void;
  readonly version: number;
}) {
  const { t, dateTime } = useI18n();
  const coverage = useLoad(
    () => adminApi<CoverageView>('/settings/password-reset/coverage'),
    props.onError,
    [props.version],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const data = coverage.data;
  if (!data) return <OutcomeNotice error={coverage.error} />;
  const require = () => {
    setBusy(true);
    setError(null);
    adminApi<CoverageView>('/settings/password-reset/require-registration', { method: 'POST' })
      .then(() => coverage.reload())
      .catch((failure: unknown) => {
        setError(failure);
        props.onError(failure);
      })
      .finally(() => setBusy(false));
  };
  return (
    <div className="card" data-testid="registration-coverage">
      <h2>{t('admin.reset.coverage')}</h2>
      {data.all.scope === 'none' ? (
        <p>{t('admin.reset.coverage.none')}</p>
      ) : (
        <>
          <p data-testid="coverage-all">
            {t('admin.reset.coverage.all', {
              ready: data.all.usersReady,
              total: data.all.usersInScope,
              required: data.all.methodsRequired,
            })}
          </p>
          <meter
            min={0}
            max={Math.max(1, data.all.usersInScope)}
            value={data.all.usersReady}
            aria-label={t('admin.reset.coverage')}
          />
          <p className="muted">
            {t('admin.reset.coverage.synced', {
              ready: data.synced.usersReady,
              total: data.synced.usersInScope,
            })}
          </p>
        </>
      )}
      <p className="muted">{t('admin.reset.requireRegistration.help')}</p>
      <Button variant="secondary" busy={busy} onClick={require}>
        {t('admin.reset.requireRegistration')}
      </Button>
      <OutcomeNotice error={error} />
      <Notice tone="info">
        {data.registrationRequestedAt
          ? t('admin.reset.requireRegistration.since', {
              when: dateTime(data.registrationRequestedAt),
            })
          : null}
      </Notice>
    </div>
  );
}
