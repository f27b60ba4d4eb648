import { useCallback, useState } from 'react';
import type { PolicyCheck } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button, PasswordInput } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { NewPasswordFields } from '../ui/new-password';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { meApi } from './me-api';

/** Change password while signed in: current + new, rules checked live for this user. */
export function ChangePasswordPage() {
  const { t, language } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('password');
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const check = useCallback(
    (candidate: string) =>
      meApi<PolicyCheck>('/me/password/check', { body: { password: candidate, locale: language } }),
    [language],
  );
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
          if (password !== confirm) return;
          setBusy(true);
          setError(null);
          setDone(false);
          meApi('/me/password', { body: { currentPassword: current, newPassword: password } })
            .then(() => {
              setCurrent('');
              setPassword('');
              setConfirm('');
              setDone(true);
            })
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        <PasswordInput
          label={t('field.currentPassword')}
          value={current}
          onValue={setCurrent}
          autoComplete="current-password"
          required
        />
        <NewPasswordFields
          value={password}
          onValue={setPassword}
          confirm={confirm}
          onConfirm={setConfirm}
          check={check}
          showMismatch
        />
        <OutcomeNotice error={error} />
        <Button type="submit" busy={busy} disabled={!current || !password || password !== confirm}>
          {t('me.password.submit')}
        </Button>
      </form>
    </section>
  );
}
