import { useCallback, useState } from 'react';
import type { PolicyCheck, SignInView } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { usePasswordChange } from '../myaccount/use-password-change';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { signInApi } from './signin-api';
import type { StageProps } from './signin-app';

/**
 * AD wants a new password (must change at next logon, or expired): the user's own rules are
 * shown and checked live, the change is written back to AD at once, and the sign-in goes on.
 */
export function ChangeStage(props: StageProps & { readonly current: string }) {
  const { t, language } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('signin-change');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { uid, csrfToken } = props;
  const check = useCallback(
    (candidate: string) =>
      signInApi<PolicyCheck>(uid, '/password/check', csrfToken, {
        body: { password: candidate, locale: language },
      }),
    [uid, csrfToken, language],
  );
  const change = usePasswordChange(check, props.current);
  const reason = props.view.mustChange ?? 'must_change_password';
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        if (!change.complete) return;
        setBusy(true);
        setError(null);
        signInApi<SignInView>(uid, '/password/change', csrfToken, {
          body: { currentPassword: change.current, newPassword: change.password },
        })
          .then((view) => {
            change.clear();
            props.onView(view);
          })
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <StepHeading focusRef={heading}>{t('me.mustChange.title')}</StepHeading>
      <p className="lead" data-testid="must-change-reason">
        {t(`me.mustChange.lead.${reason}`)}
      </p>
      <p>
        <strong>{props.view.userPrincipalName}</strong>
      </p>
      {change.fields}
      <OutcomeNotice error={error} />
      <Button type="submit" busy={busy} disabled={!change.complete}>
        {t('signin.change.submit')}
      </Button>
    </form>
  );
}
