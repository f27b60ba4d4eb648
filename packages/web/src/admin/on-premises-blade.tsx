import { useEffect, useEffectEvent, useState } from 'react';
import type { AgentView, PasswordResetSettings } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { DoctorReports } from './doctor-reports';
import { integrationStatus } from './agent-health';
import { Switch } from './switch';
import { useResetSettings } from './use-reset-settings';

const POLL_MS = 5000;

/** Entra's Step 3: the two on-premises switches, with the live agent status beside them. */
export function OnPremisesBlade(props: { readonly onError: (error: unknown) => void }) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('onprem');
  const settings = useResetSettings(props.onError);
  const { draft, busy, saved, error } = settings;
  const [agents, setAgents] = useState<readonly AgentView[] | null>(null);

  const onError = useEffectEvent(props.onError);
  useEffect(() => {
    let current = true;
    const poll = () =>
      adminApi<{ items: AgentView[] }>('/agents')
        .then((answer) => current && setAgents(answer.items))
        .catch(onError);
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, []);

  const status = agents ? integrationStatus(agents) : null;
  const set = (change: Partial<PasswordResetSettings['onPremises']>) =>
    settings.edit((value) => ({ ...value, onPremises: { ...value.onPremises, ...change } }));
  return (
    <section>
      <StepHeading focusRef={heading}>{t('admin.onprem.title')}</StepHeading>
      <p className="lead">{t('admin.onprem.lead')}</p>
      <div className="card">
        <h2>{t('admin.onprem.status')}</h2>
        <p
          className={`agent-status agent-status-${status ?? 'loading'}`}
          data-testid="integration-status"
          data-status={status ?? 'loading'}
          aria-live="polite"
        >
          <span className="status-dot" aria-hidden="true" />
          {status ? t(`admin.onprem.status.${status}` as MessageKey) : t('common.loading')}
        </p>
      </div>
      {draft ? (
        <form className="card" onSubmit={settings.save}>
          <Switch
            label={t('admin.onprem.writeback')}
            checked={draft.onPremises.writebackEnabled}
            onChange={(writebackEnabled) => set({ writebackEnabled })}
          />
          <Switch
            label={t('admin.onprem.unlock')}
            checked={draft.onPremises.unlockWithoutResetEnabled}
            disabled={!draft.onPremises.writebackEnabled}
            onChange={(unlockWithoutResetEnabled) => set({ unlockWithoutResetEnabled })}
          />
          <OutcomeNotice error={error} />
          <Notice tone="success">{saved ? t('common.saved') : null}</Notice>
          <Button type="submit" busy={busy}>
            {t('common.save')}
          </Button>
        </form>
      ) : (
        <OutcomeNotice error={settings.loadError} />
      )}
      <DoctorReports onError={props.onError} />
    </section>
  );
}
