import { useState } from 'react';
import type { AgentView } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { useLoad } from './use-load';

/** Agents: enrollment tokens (shown once), the health list, disable / enable / remove. */
export function AgentsPage(props: { readonly onError: (error: unknown) => void }) {
  const { t, dateTime } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('agents');
  const agents = useLoad(() => adminApi<{ items: AgentView[] }>('/agents'), props.onError);
  const [token, setToken] = useState<{ token: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = (request: Promise<unknown>): void => {
    request
      .then(() => agents.reload())
      .catch((failure: unknown) => {
        setError(failure);
        props.onError(failure);
      });
  };
  return (
    <section>
      <StepHeading focusRef={heading}>{t('admin.agents.title')}</StepHeading>
      <div className="toolbar">
        <Button
          onClick={() => {
            setError(null);
            adminApi<{ token: string; expiresAt: string }>('/agents/enrollment-tokens', {
              method: 'POST',
            })
              .then(setToken)
              .catch((failure: unknown) => {
                setError(failure);
                props.onError(failure);
              });
          }}
        >
          {t('admin.agents.token')}
        </Button>
        <Button variant="secondary" onClick={agents.reload}>
          {t('common.refresh')}
        </Button>
      </div>
      <Notice tone="info">
        {token ? (
          <>
            <p>{t('admin.agents.token.shown', { when: dateTime(token.expiresAt) })}</p>
            <code className="token">{token.token}</code>
          </>
        ) : null}
      </Notice>
      <OutcomeNotice error={error ?? agents.error} />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.agents.col.name')}</th>
            <th scope="col">{t('admin.agents.col.health')}</th>
            <th scope="col">{t('admin.agents.col.dc')}</th>
            <th scope="col">{t('admin.agents.col.seen')}</th>
            <th scope="col">{t('admin.agents.col.ops')}</th>
            <th scope="col">{t('admin.users.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(agents.data?.items ?? []).map((agent) => (
            <tr key={agent.id}>
              <td>
                <strong>{agent.name}</strong>
                <div className="muted">
                  {agent.hostname} · v{agent.version}
                </div>
              </td>
              <td>
                {agent.status === 'disabled' ? (
                  <span className="badge badge-muted">{t('admin.agents.disabled')}</span>
                ) : agent.online && agent.directoryReachable !== false ? (
                  <span className="badge badge-ok">{t('admin.agents.online')}</span>
                ) : (
                  <span className="badge badge-warn">{t('admin.agents.offline')}</span>
                )}
                {agent.problem ? <div className="muted">{agent.problem}</div> : null}
              </td>
              <td>{agent.domainController ?? t('common.none')}</td>
              <td>{agent.lastSeenAt ? dateTime(agent.lastSeenAt) : t('common.none')}</td>
              <td>{agent.operationsServed}</td>
              <td>
                <div className="row-actions">
                  <Button
                    variant="secondary"
                    onClick={() =>
                      act(
                        adminApi(`/agents/${agent.id}`, {
                          method: 'PATCH',
                          body: { status: agent.status === 'active' ? 'disabled' : 'active' },
                        }),
                      )
                    }
                  >
                    {agent.status === 'active'
                      ? t('admin.agents.disable')
                      : t('admin.agents.enable')}
                  </Button>
                  <Button
                    variant="danger"
                    onClick={() => {
                      if (window.confirm(t('admin.agents.removeConfirm', { name: agent.name }))) {
                        act(adminApi(`/agents/${agent.id}`, { method: 'DELETE' }));
                      }
                    }}
                  >
                    {t('admin.agents.remove')}
                  </Button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {agents.data && agents.data.items.length === 0 ? <p>{t('admin.agents.none')}</p> : null}
    </section>
  );
}
