import { useState } from 'react';
import type { AdminMe } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button, PasswordInput, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';

export function AdminSignIn(props: { readonly onSignedIn: (me: AdminMe) => void }) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('admin-sign-in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="card narrow"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        adminApi<AdminMe>('/auth/sign-in', { body: { username, password } })
          .then((me) => {
            setPassword('');
            props.onSignedIn(me);
          })
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <StepHeading focusRef={heading}>{t('admin.signIn.title')}</StepHeading>
      <TextField
        label={t('admin.username')}
        value={username}
        onValue={setUsername}
        autoComplete="username"
        required
      />
      <PasswordInput
        label={t('field.password')}
        value={password}
        onValue={setPassword}
        autoComplete="current-password"
        required
      />
      <OutcomeNotice error={error} />
      <Button type="submit" busy={busy}>
        {t('common.signIn')}
      </Button>
    </form>
  );
}
