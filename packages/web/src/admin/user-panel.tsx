import { useCallback, useState } from 'react';
import type { AdminResetAnswer, MethodView, PolicyCheck, UserView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { NewPasswordFields } from '../ui/new-password';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { UserState } from './users-page';
import { useLoad } from './use-load';

/** One user: state, methods, admin password reset (optionally "must change") and unlock. */
export function UserPanel(props: {
  readonly userId: string;
  readonly onClose: () => void;
  readonly onError: (error: unknown) => void;
}) {
  const { t, language, dateTime } = useI18n();
  const user = useLoad(() => adminApi<UserView>(`/users/${props.userId}`), props.onError, [
    props.userId,
  ]);
  const methods = useLoad(
    () => adminApi<{ methods: MethodView[] }>(`/users/${props.userId}/methods`),
    props.onError,
    [props.userId],
  );
  const heading = useFocusOnChange<HTMLHeadingElement>(user.data?.id);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mustChange, setMustChange] = useState(true);
  const [busy, setBusy] = useState<'reset' | 'unlock' | null>(null);
  const [done, setDone] = useState<MessageKey | null>(null);
  const [operationId, setOperationId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const check = useCallback(
    (candidate: string) =>
      adminApi<PolicyCheck>('/password-policy/check', {
        body: { password: candidate, locale: language },
      }),
    [language],
  );
  const run = (kind: 'reset' | 'unlock') => {
    setBusy(kind);
    setError(null);
    setDone(null);
    setOperationId(null);
    const request =
      kind === 'reset'
        ? adminApi<AdminResetAnswer>(`/users/${props.userId}/password`, {
            body: { password, mustChangeAtNextLogon: mustChange, unlock: true },
          })
        : adminApi<UserView>(`/users/${props.userId}/unlock`, { method: 'POST' });
    request
      .then((answer) => {
        // The helpdesk can quote the operation id; it names the agent's journal entry.
        if ('outcome' in answer) setOperationId(answer.operationId);
        setDone(kind === 'reset' ? 'admin.user.reset.done' : 'admin.user.unlock.done');
        setPassword('');
        setConfirm('');
        user.reload();
      })
      .catch((failure: unknown) => {
        setError(failure);
        props.onError(failure);
      })
      .finally(() => setBusy(null));
  };
  const view = user.data;
  return (
    <section>
      <Button variant="link" onClick={props.onClose}>
        ← {t('common.back')}
      </Button>
      <StepHeading focusRef={heading}>
        {t('admin.user.title', { name: view?.upn ?? '…' })}
      </StepHeading>
      {view ? (
        <dl className="facts">
          <dt>{t('admin.users.col.name')}</dt>
          <dd>{view.displayName}</dd>
          <dt>{t('admin.users.col.source')}</dt>
          <dd>{t(`admin.users.source.${view.source}`)}</dd>
          <dt>{t('admin.users.col.state')}</dt>
          <dd>
            <UserState user={view} />
          </dd>
          <dt>{t('admin.users.col.sync')}</dt>
          <dd>
            {view.onPremises?.syncedAt ? dateTime(view.onPremises.syncedAt) : t('common.none')}
          </dd>
        </dl>
      ) : null}
      <div className="card">
        <h2>{t('admin.user.methods')}</h2>
        <ul className="plain-list">
          {(methods.data?.methods ?? []).map((method) => (
            <li key={method.kind}>
              <strong>{t(`me.method.${method.kind}` as MessageKey)}</strong>
              {method.value ? ` · ${method.value}` : ''}
            </li>
          ))}
          {methods.data && methods.data.methods.length === 0 ? (
            <li className="muted">{t('me.security.none')}</li>
          ) : null}
        </ul>
      </div>
      <Notice tone="success" testId="admin-user-done">
        {done ? t(done) : null}
        {done && operationId ? (
          <span className="muted" data-operation-id={operationId}>
            {' '}
            {t('admin.user.operation', { id: operationId })}
          </span>
        ) : null}
      </Notice>
      <OutcomeNotice error={error} />
      {view?.lockedOut ? (
        <div className="card">
          <Button busy={busy === 'unlock'} onClick={() => run('unlock')}>
            {t('admin.user.unlock')}
          </Button>
        </div>
      ) : null}
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          if (password !== confirm) return;
          run('reset');
        }}
      >
        <h2>{t('admin.user.reset')}</h2>
        <NewPasswordFields
          value={password}
          onValue={setPassword}
          confirm={confirm}
          onConfirm={setConfirm}
          check={check}
          showMismatch
        />
        <label className="check-row">
          <input
            type="checkbox"
            checked={mustChange}
            onChange={(event) => setMustChange(event.target.checked)}
          />{' '}
          {t('admin.user.mustChange')}
        </label>
        <Button type="submit" busy={busy === 'reset'} disabled={!password || password !== confirm}>
          {t('admin.user.reset')}
        </Button>
      </form>
    </section>
  );
}
