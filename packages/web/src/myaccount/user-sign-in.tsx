import { useState } from 'react';
import { isApiError } from '../api/client';
import type { MeView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button, PasswordInput, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { meApi } from './me-api';
import type { MustChangeReason } from './must-change-password';

/** Sign-in; AD's "must change" and "expired" answers lead straight to the change screen. */
export function UserSignIn(props: {
  readonly notice: MessageKey | null;
  readonly onSignedIn: (me: MeView) => void;
  readonly onMustChange: (upn: string, reason: MustChangeReason) => void;
}) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('sign-in');
  const [upn, setUpn] = useState('');
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
        meApi<{ user: MeView }>('/me/sign-in', {
          body: { userPrincipalName: upn.trim(), password },
        })
          .then((answer) => {
            setPassword('');
            props.onSignedIn(answer.user);
          })
          .catch((failure: unknown) => {
            setPassword('');
            if (isApiError(failure, 'must_change_password', 'password_expired')) {
              props.onMustChange(upn.trim(), failure.code as MustChangeReason);
              return;
            }
            setError(failure);
          })
          .finally(() => setBusy(false));
      }}
    >
      <StepHeading focusRef={heading}>{t('me.signIn.title')}</StepHeading>
      <Notice tone="success">{props.notice ? t(props.notice) : null}</Notice>
      <TextField
        label={t('field.upn')}
        hint={t('field.upn.hint')}
        value={upn}
        onValue={setUpn}
        type="email"
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
      <p>
        <a href="/sspr">{t('me.forgot')}</a>
      </p>
    </form>
  );
}
