import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { SsprSettings, SsprStart } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Layout } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { DoneStep } from './done-step';
import { GatesStep } from './gates-step';
import { PasswordStep } from './password-step';
import { StartStep, type SsprAction } from './start-step';
import { UnlockStep } from './unlock-step';

type Step =
  | { readonly name: 'start' }
  | { readonly name: 'gates'; readonly flow: SsprStart; readonly action: SsprAction }
  | { readonly name: 'password'; readonly flow: SsprStart }
  | { readonly name: 'unlock'; readonly flow: SsprStart }
  | { readonly name: 'done'; readonly action: SsprAction };

/** The SSPR portal: who → proof of work → gates → new password (or unlock) → outcome. */
export function SsprApp() {
  const { t } = useI18n();
  const [settings, setSettings] = useState<SsprSettings | null>(null);
  const [settingsError, setSettingsError] = useState<unknown>(null);
  const [step, setStep] = useState<Step>({ name: 'start' });

  useEffect(() => {
    api<SsprSettings>('/sspr/settings').then(setSettings).catch(setSettingsError);
  }, []);

  const restart = () => setStep({ name: 'start' });
  let body;
  if (!settings) {
    body = settingsError ? (
      <OutcomeNotice error={settingsError} />
    ) : (
      <p role="status">{t('common.loading')}</p>
    );
  } else if (!settings.enabled) {
    body = <Notice tone="info">{t('sspr.disabled')}</Notice>;
  } else if (step.name === 'start') {
    body = (
      <StartStep
        unlockEnabled={settings.unlockEnabled}
        onStarted={(flow, action) => setStep({ name: 'gates', flow, action })}
      />
    );
  } else if (step.name === 'gates') {
    body = (
      <GatesStep
        flow={step.flow}
        onRestart={restart}
        onPassed={() =>
          setStep(
            step.action === 'unlock'
              ? { name: 'unlock', flow: step.flow }
              : { name: 'password', flow: step.flow },
          )
        }
      />
    );
  } else if (step.name === 'password') {
    body = (
      <PasswordStep
        flow={step.flow}
        helpdeskUrl={settings.helpdeskUrl}
        onDone={() => setStep({ name: 'done', action: 'reset' })}
        onRestart={restart}
      />
    );
  } else if (step.name === 'unlock') {
    body = (
      <UnlockStep
        flow={step.flow}
        helpdeskUrl={settings.helpdeskUrl}
        onDone={() => setStep({ name: 'done', action: 'unlock' })}
        onRestart={restart}
      />
    );
  } else {
    body = <DoneStep action={step.action} onRestart={restart} />;
  }
  return <Layout section={t('sspr.title')}>{body}</Layout>;
}
