import { useState } from 'react';
import type { SignInView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { signInApi } from './signin-api';
import type { StageProps } from './signin-app';

const known = new Set(['openid', 'profile', 'email', 'groups', 'offline_access']);

/** What the application asks to know; accepted once, remembered for this application. */
export function ConsentStage(props: StageProps) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('signin-consent');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const answer = (accept: boolean) => {
    setBusy(true);
    setError(null);
    signInApi<SignInView>(props.uid, '/consent', props.csrfToken, { body: { accept } })
      .then(props.onView)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <div className="card">
      <StepHeading focusRef={heading}>{t('signin.consent.title')}</StepHeading>
      <p className="lead">
        {t('signin.consent.lead', { application: props.view.application.name })}
      </p>
      <ul data-testid="consent-scopes">
        {(props.view.consent?.scopes ?? [])
          .filter((scope) => known.has(scope))
          .map((scope) => (
            <li key={scope} data-scope={scope}>
              {t(`signin.scope.${scope}` as MessageKey)}
            </li>
          ))}
      </ul>
      <OutcomeNotice error={error} />
      <div className="button-row">
        <Button busy={busy} onClick={() => answer(true)}>
          {t('signin.consent.accept')}
        </Button>
        <Button variant="secondary" disabled={busy} onClick={() => answer(false)}>
          {t('signin.consent.decline')}
        </Button>
      </div>
    </div>
  );
}
