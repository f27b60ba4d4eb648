import { useCallback, useState } from 'react';
import { api } from '../api/client';
import type { PolicyCheck } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { usePasswordChange } from './use-password-change';

export type MustChangeReason = 'must_change_password' | 'password_expired';

/**
 * The forced change before sign-in: no session exists yet, so it proves the current password
 * through /self-service/password/change, then the user signs in again with the new one.
 */
export function MustChangePassword(props: {
  readonly upn: string;
  readonly reason: MustChangeReason;
  readonly onChanged: () => void;
  readonly onCancel: () => void;
}) {
  const { t, language } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('must-change');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const check = useCallback(
    (candidate: string) =>
      api<PolicyCheck>('/password-policy/check', {
        body: { password: candidate, locale: language },
      }),
    [language],
  );
  const change = usePasswordChange(check);
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        if (!change.complete) return;
        setBusy(true);
        setError(null);
        api('/self-service/password/change', {
          body: {
            userPrincipalName: props.upn,
            currentPassword: change.current,
            newPassword: change.password,
          },
        })
          .then(() => {
            change.clear();
            props.onChanged();
          })
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <StepHeading focusRef={heading}>{t('me.mustChange.title')}</StepHeading>
      <p className="lead" data-testid="must-change-reason">
        {t(`me.mustChange.lead.${props.reason}`)}
      </p>
      <p>
        <strong>{props.upn}</strong>
      </p>
      {change.fields}
      <OutcomeNotice error={error} />
      <div className="button-row">
        <Button type="submit" busy={busy} disabled={!change.complete}>
          {t('me.password.submit')}
        </Button>
        <Button variant="secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
