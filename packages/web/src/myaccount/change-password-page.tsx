import { useCallback, useState } from 'react';
import type { PolicyCheck } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { meApi } from './me-api';
import { usePasswordChange } from './use-password-change';

/** Change password while signed in: current + new, rules checked live for this user. */
export function ChangePasswordPage() {
  const { t, language } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('password');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const check = useCallback(
    (candidate: string) =>
      meApi<PolicyCheck>('/me/password/check', { body: { password: candidate, locale: language } }),
    [language],
  );
  const change = usePasswordChange(check);
  return (
    <section>
      <StepHeading focusRef={heading}>{t('me.password.title')}</StepHeading>
      <Notice tone="success" testId="password-changed">
        {done ? t('me.password.done') : null}
      </Notice>
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          if (!change.complete) return;
          setBusy(true);
          setError(null);
          setDone(false);
          meApi('/me/password', {
            body: { currentPassword: change.current, newPassword: change.password },
          })
            .then(() => {
              change.clear();
              setDone(true);
            })
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        {change.fields}
        <OutcomeNotice error={error} />
        <Button type="submit" busy={busy} disabled={!change.complete}>
          {t('me.password.submit')}
        </Button>
      </form>
    </section>
  );
}
