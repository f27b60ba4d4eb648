import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { SignInView } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Layout } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { ChangeStage } from './change-stage';
import { ConsentStage } from './consent-stage';
import { PasswordStage } from './password-stage';
import { RegisterStage } from './register-stage';
import { SecondFactorStage } from './second-factor-stage';
import { signInApi } from './signin-api';

export interface StageProps {
  readonly uid: string;
  readonly csrfToken: string;
  readonly view: SignInView;
  /** A step answered: the next view (or the way back to the application). */
  readonly onView: (view: SignInView) => void;
}

/**
 * An application's sign-in (`/signin/<uid>`): the OpenID Connect provider sent the browser
 * here; each stage is a step of the sign-in API, and the last answer says where the
 * application waits.
 */
export function SignInApp() {
  const { t } = useI18n();
  const uid = window.location.pathname.split('/')[2] ?? '';
  const [state, setState] = useState<{ view: SignInView; csrfToken: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The password typed at the first step, kept in memory only, for AD's change screen.
  const [typed, setTyped] = useState('');

  useEffect(() => {
    api<SignInView & { csrfToken: string }>(`/sign-in/${uid}/state`)
      .then(({ csrfToken, ...view }) => setState({ view, csrfToken }))
      .catch(setError);
  }, [uid]);

  const redirectTo = state?.view.redirectTo;
  useEffect(() => {
    if (redirectTo) window.location.assign(redirectTo);
  }, [redirectTo]);

  let body;
  if (error) body = <OutcomeNotice error={error} />;
  else if (!state || redirectTo) body = <p role="status">{t('common.loading')}</p>;
  else {
    const props: StageProps = {
      uid,
      csrfToken: state.csrfToken,
      view: state.view,
      onView: (view) => setState({ ...state, view }),
    };
    const stage = state.view.stage;
    body =
      stage === 'password' ? (
        <PasswordStage {...props} onTyped={setTyped} />
      ) : stage === 'change_password' ? (
        <ChangeStage {...props} current={typed} />
      ) : stage === 'mfa' ? (
        <SecondFactorStage {...props} />
      ) : stage === 'register' ? (
        <RegisterStage {...props} />
      ) : stage === 'consent' ? (
        <ConsentStage {...props} />
      ) : (
        <p role="status">{t('common.loading')}</p>
      );
  }
  const cancel =
    state && !redirectTo && state.view.stage !== 'done' ? (
      <p className="muted">
        <button
          type="button"
          className="button button-link"
          onClick={() => {
            signInApi<SignInView>(uid, '/cancel', state.csrfToken, { method: 'POST', body: {} })
              .then((view) => setState({ ...state, view }))
              .catch(setError);
          }}
        >
          {t('signin.cancel')}
        </button>
      </p>
    ) : null;
  return (
    <Layout section={t('signin.section')}>
      {state ? (
        <p className="muted" data-testid="signin-application">
          {t('signin.to', { application: state.view.application.name })}
        </p>
      ) : null}
      {body}
      {cancel}
    </Layout>
  );
}
