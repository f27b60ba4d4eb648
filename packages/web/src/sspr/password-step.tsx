import { useCallback, useState } from 'react';
import { isApiError } from '../api/client';
import type { PolicyCheck, SsprStart } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { NewPasswordFields } from '../ui/new-password';
import { OutcomeNotice } from '../ui/outcome';
import { flowApi } from './sspr-api';

/** Codes after which this flow cannot go on: the user starts again or calls the helpdesk. */
const finalCodes = ['flow_expired', 'verification_required', 'expired', 'rate_limited'];

/** Step 3: the new password, checked live, then the reset and the directory's answer. */
export function PasswordStep(props: {
  readonly flow: SsprStart;
  readonly helpdeskUrl: string | null;
  readonly onDone: () => void;
  readonly onRestart: () => void;
}) {
  const { t, language } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('password');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const token = props.flow.flowToken;
  const check = useCallback(
    (candidate: string) =>
      flowApi<PolicyCheck>(token, '/password/check', {
        body: { password: candidate, locale: language },
      }),
    [token, language],
  );
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        if (password !== confirm) return;
        setBusy(true);
        setError(null);
        flowApi(token, '/reset', { body: { newPassword: password } })
          .then(() => {
            setPassword('');
            setConfirm('');
            props.onDone();
          })
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <StepHeading focusRef={heading}>{t('sspr.password.title')}</StepHeading>
      <NewPasswordFields
        value={password}
        onValue={setPassword}
        confirm={confirm}
        onConfirm={setConfirm}
        check={check}
        showMismatch
      />
      <OutcomeNotice error={error} helpdeskUrl={props.helpdeskUrl} />
      {isApiError(error, ...finalCodes) ? (
        <Button variant="secondary" onClick={props.onRestart}>
          {t('sspr.again')}
        </Button>
      ) : (
        <Button type="submit" busy={busy} disabled={!password || password !== confirm}>
          {t('sspr.password.submit')}
        </Button>
      )}
    </form>
  );
}
