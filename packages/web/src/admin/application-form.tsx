import { useState } from 'react';
import type { ApplicationScope, ApplicationView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { OutcomeNotice } from '../ui/outcome';
import { Switch } from './switch';

export type ApplicationInput = Pick<
  ApplicationView,
  | 'name'
  | 'kind'
  | 'redirectUris'
  | 'postLogoutRedirectUris'
  | 'scopes'
  | 'access'
  | 'assignments'
  | 'mfaRequired'
  | 'tenantConsent'
  | 'enabled'
>;

export const emptyApplication: ApplicationInput = {
  name: '',
  kind: 'confidential',
  redirectUris: [],
  postLogoutRedirectUris: [],
  scopes: ['profile', 'email'],
  access: 'all',
  assignments: [],
  mfaRequired: false,
  tenantConsent: false,
  enabled: true,
};

const allScopes: readonly ApplicationScope[] = ['profile', 'email', 'groups', 'offline_access'];
const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Registration or settings of one application: what it may ask for, who may sign in, MFA. */
export function ApplicationForm(props: {
  readonly initial: ApplicationInput;
  readonly editing: boolean;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
  readonly busy: boolean;
  readonly error: unknown;
  readonly onSave: (input: ApplicationInput) => void;
  readonly onCancel: () => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(props.initial);
  const [redirects, setRedirects] = useState(props.initial.redirectUris.join('\n'));
  const [logouts, setLogouts] = useState(props.initial.postLogoutRedirectUris.join('\n'));
  const update = (change: Partial<ApplicationInput>) =>
    setDraft((value) => ({ ...value, ...change }));
  const groupIds = new Set(
    draft.assignments.filter((item) => item.type === 'group').map((item) => item.id),
  );
  return (
    <form
      className="card"
      data-testid="application-form"
      onSubmit={(event) => {
        event.preventDefault();
        // Only the settings: a view's id, dates and secret state are not the API's input.
        props.onSave({
          name: draft.name,
          kind: draft.kind,
          redirectUris: lines(redirects),
          postLogoutRedirectUris: lines(logouts),
          scopes: draft.scopes,
          access: draft.access,
          assignments: draft.access === 'assigned' ? draft.assignments : [],
          mfaRequired: draft.mfaRequired,
          tenantConsent: draft.tenantConsent,
          enabled: draft.enabled,
        });
      }}
    >
      <TextField
        label={t('admin.apps.name')}
        value={draft.name}
        onValue={(name) => update({ name })}
        required
      />
      <fieldset>
        <legend>{t('admin.apps.kind')}</legend>
        {(['confidential', 'public'] as const).map((kind) => (
          <label key={kind} className="choice">
            <input
              type="radio"
              name="kind"
              checked={draft.kind === kind}
              disabled={props.editing}
              onChange={() => update({ kind })}
            />{' '}
            {t(`admin.apps.kind.${kind}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="app-redirects">{t('admin.apps.redirects')}</label>
        <p className="hint" id="app-redirects-hint">
          {t('admin.apps.redirects.hint')}
        </p>
        <textarea
          id="app-redirects"
          aria-describedby="app-redirects-hint"
          rows={3}
          value={redirects}
          onChange={(event) => setRedirects(event.target.value)}
          required
        />
      </div>
      <div className="field">
        <label htmlFor="app-logouts">{t('admin.apps.logouts')}</label>
        <textarea
          id="app-logouts"
          rows={2}
          value={logouts}
          onChange={(event) => setLogouts(event.target.value)}
        />
      </div>
      <fieldset>
        <legend>{t('admin.apps.scopes')}</legend>
        {allScopes.map((scope) => (
          <label key={scope} className="choice">
            <input
              type="checkbox"
              checked={draft.scopes.includes(scope)}
              onChange={(event) =>
                update({
                  scopes: event.target.checked
                    ? [...draft.scopes, scope]
                    : draft.scopes.filter((item) => item !== scope),
                })
              }
            />{' '}
            {t(`signin.scope.${scope}` as MessageKey)} <code>{scope}</code>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('admin.apps.access')}</legend>
        {(['all', 'assigned'] as const).map((access) => (
          <label key={access} className="choice">
            <input
              type="radio"
              name="access"
              checked={draft.access === access}
              onChange={() => update({ access })}
            />{' '}
            {t(`admin.apps.access.${access}`)}
          </label>
        ))}
        {draft.access === 'assigned' ? (
          <div className="indent" data-testid="application-groups">
            {props.groups.length === 0 ? <p className="muted">{t('admin.apps.noGroups')}</p> : null}
            {props.groups.map((group) => (
              <label key={group.id} className="choice">
                <input
                  type="checkbox"
                  checked={groupIds.has(group.id)}
                  onChange={(event) =>
                    update({
                      assignments: event.target.checked
                        ? [...draft.assignments, { type: 'group', id: group.id }]
                        : draft.assignments.filter((item) => item.id !== group.id),
                    })
                  }
                />{' '}
                {group.name}
              </label>
            ))}
          </div>
        ) : null}
      </fieldset>
      <Switch
        label={t('admin.apps.mfa')}
        checked={draft.mfaRequired}
        onChange={(mfaRequired) => update({ mfaRequired })}
      />
      <Switch
        label={t('admin.apps.tenantConsent')}
        checked={draft.tenantConsent}
        onChange={(tenantConsent) => update({ tenantConsent })}
      />
      <Switch
        label={t('admin.apps.enabled')}
        checked={draft.enabled}
        onChange={(enabled) => update({ enabled })}
      />
      <OutcomeNotice error={props.error} />
      <div className="button-row">
        <Button type="submit" busy={props.busy}>
          {props.editing ? t('common.save') : t('admin.apps.register')}
        </Button>
        <Button variant="secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
