import { useState } from 'react';
import type { SecondFactorKind, SignInView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { signInApi } from './signin-api';
import type { StageProps } from './signin-app';

/** The second factor: a code from the authenticator app, or one sent by mail or text. */
export function SecondFactorStage(props: StageProps) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('signin-mfa');
  const methods = props.view.secondFactor?.methods ?? [];
  const [kind, setKind] = useState<SecondFactorKind>(methods[0]?.kind ?? 'totp');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const chosen = methods.find((method) => method.kind === kind);
  const send = () => {
    setBusy(true);
    setError(null);
    signInApi(props.uid, '/second-factor/send', props.csrfToken, { body: { kind } })
      .then(() => setSent(true))
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <form
      className="card narrow"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        signInApi<SignInView>(props.uid, '/second-factor/verify', props.csrfToken, {
          body: { kind, code: code.trim() },
        })
          .then(props.onView)
          .catch(setError)
          .finally(() => {
            setCode('');
            setBusy(false);
          });
      }}
    >
      <StepHeading focusRef={heading}>{t('signin.mfa.title')}</StepHeading>
      <p className="lead">{t('signin.mfa.lead')}</p>
      {methods.length > 1 ? (
        <fieldset className="choices">
          <legend>{t('signin.mfa.choose')}</legend>
          {methods.map((method) => (
            <label key={method.kind} className="choice">
              <input
                type="radio"
                name="factor"
                checked={kind === method.kind}
                onChange={() => {
                  setKind(method.kind);
                  setSent(false);
                }}
              />{' '}
              {t(`signin.mfa.${method.kind}` as MessageKey, { hint: method.hint ?? '' })}
            </label>
          ))}
        </fieldset>
      ) : (
        <p>{t(`signin.mfa.${kind}` as MessageKey, { hint: chosen?.hint ?? '' })}</p>
      )}
      {kind !== 'totp' ? (
        <p>
          <Button variant="secondary" onClick={send} busy={busy && !sent}>
            {t('sspr.gate.send')}
          </Button>
        </p>
      ) : null}
      <Notice tone="success">{sent ? t('sspr.gate.sent') : null}</Notice>
      <TextField
        label={t('field.code')}
        hint={t('field.code.hint')}
        value={code}
        onValue={setCode}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        required
      />
      <OutcomeNotice error={error} />
      <Button type="submit" busy={busy}>
        {t('sspr.gate.verify')}
      </Button>
    </form>
  );
}
