import { useEffect, useState } from 'react';
import type { MeView, SignInView } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { meApi } from '../myaccount/me-api';
import { SecurityInfoPage } from '../myaccount/security-info-page';
import { Button } from '../ui/fields';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { signInApi } from './signin-api';
import type { StageProps } from './signin-app';

/**
 * "Registration required at sign-in" (or a second factor required with none registered):
 * My Account's security info, in place; then the sign-in goes on.
 */
export function RegisterStage(props: StageProps) {
  const { t } = useI18n();
  const [me, setMe] = useState<MeView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reload = () => meApi<MeView>('/me').then(setMe).catch(setError);
  useEffect(() => {
    void reload();
  }, []);
  const reason = props.view.registration?.reason ?? 'required';
  return (
    <div>
      <Notice tone="info">
        {reason === 'second_factor'
          ? t('signin.register.secondFactor')
          : t('signin.register.required')}
      </Notice>
      {me ? <SecurityInfoPage me={me} onChanged={() => void reload()} /> : null}
      <OutcomeNotice error={error} />
      <Button
        busy={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          signInApi<SignInView>(props.uid, '/continue', props.csrfToken, {
            method: 'POST',
            body: {},
          })
            .then((view) => {
              if (view.stage === 'register') setError(new Error(t('signin.register.notYet')));
              props.onView(view);
            })
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        {t('common.continue')}
      </Button>
    </div>
  );
}
