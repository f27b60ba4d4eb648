import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { meApi } from './me-api';

export interface ListedSession {
  readonly id: string;
  readonly current: boolean;
  readonly userAgent: string | null;
  readonly sourceIp: string | null;
  readonly startedAt: string;
  readonly lastSeenAt: string | null;
  readonly expiresAt: string;
}

/** Your sessions: where each My Account session was opened and last used; end the others. */
export function SessionsPage() {
  const { t, dateTime } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('sessions');
  const [sessions, setSessions] = useState<readonly ListedSession[] | null>(null);
  const [ended, setEnded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    meApi<{ sessions: ListedSession[] }>('/me/sessions')
      .then((answer) => setSessions(answer.sessions))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const end = (id: string) => {
    setError(null);
    setEnded(false);
    meApi(`/me/sessions/${id}`, { method: 'DELETE' })
      .then(() => {
        setEnded(true);
        load();
      })
      .catch(setError);
  };

  return (
    <section>
      <StepHeading focusRef={heading}>{t('me.sessions.title')}</StepHeading>
      <p className="lead">{t('me.sessions.lead')}</p>
      <Notice tone="success">{ended ? t('me.sessions.ended') : null}</Notice>
      <OutcomeNotice error={error} />
      {sessions === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : (
        <table className="data-table" data-testid="sessions">
          <thead>
            <tr>
              <th scope="col">{t('me.sessions.col.device')}</th>
              <th scope="col">{t('me.sessions.col.address')}</th>
              <th scope="col">{t('me.sessions.col.started')}</th>
              <th scope="col">{t('me.sessions.col.lastSeen')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('me.sessions.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id} data-current={session.current || undefined}>
                <td>{session.userAgent ?? t('common.none')}</td>
                <td>{session.sourceIp ?? t('common.none')}</td>
                <td>{dateTime(session.startedAt)}</td>
                <td>{session.lastSeenAt ? dateTime(session.lastSeenAt) : t('common.none')}</td>
                <td>
                  {session.current ? (
                    <strong>{t('me.sessions.current')}</strong>
                  ) : (
                    <Button variant="secondary" onClick={() => end(session.id)}>
                      {t('me.sessions.end')}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
