import { useState } from 'react';
import { isApiError } from '../api/client';
import type { SignInView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button, PasswordInput, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { signInApi, signInPath } from './signin-api';
import type { StageProps } from './signin-app';

/** The SSPR portal, prefilled, with the way back to this sign-in. */
function ssprLink(uid: string, upn: string, action?: 'unlock'): string {
  const query = new URLSearchParams({ returnTo: signInPath(uid) });
  if (upn) query.set('upn', upn);
  if (action) query.set('action', action);
  return `/sspr?${query.toString()}`;
}

/**
 * User name and password. AD's answers are said where they are met: a locked account is
 * offered the unlock, a disabled or expired one is told so; "must change" and "expired"
 * come back as the change stage.
 */
export function PasswordStage(
  props: StageProps & { readonly onTyped: (password: string) => void },
) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('signin-password');
  const [upn, setUpn] = useState(props.view.userPrincipalName ?? props.view.loginHint ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const notice = props.view.notice;
  const locked = isApiError(error, 'locked_out');
  return (
    <form
      className="card narrow"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        signInApi<SignInView>(props.uid, '/password', props.csrfToken, {
          body: { userPrincipalName: upn.trim(), password },
        })
          .then((view) => {
            props.onTyped(view.stage === 'change_password' ? password : '');
            setPassword('');
            props.onView(view);
          })
          .catch((failure: unknown) => {
            setPassword('');
            setError(failure);
          })
          .finally(() => setBusy(false));
      }}
    >
      <StepHeading focusRef={heading}>{t('signin.password.title')}</StepHeading>
      <Notice tone="info">{notice ? t(`signin.notice.${notice}` as MessageKey) : null}</Notice>
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
      {locked ? (
        <p data-testid="signin-unlock">
          <a className="button button-primary" href={ssprLink(props.uid, upn.trim(), 'unlock')}>
            {t('signin.unlock')}
          </a>
        </p>
      ) : null}
      <Button type="submit" busy={busy}>
        {t('common.signIn')}
      </Button>
      <p>
        <a href={ssprLink(props.uid, upn.trim())}>{t('me.forgot')}</a>
      </p>
    </form>
  );
}
