import type { MethodKind, PasswordResetSettings } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { RegistrationCoverageCard } from './registration-coverage-card';
import { Switch } from './switch';
import { useResetSettings } from './use-reset-settings';

const methodKinds: readonly MethodKind[] = ['email', 'phone', 'totp', 'security_questions'];
const scopes = ['none', 'selected', 'all'] as const;

/** A list of banned terms, if the settings document carries one (its key names "banned"). */
function bannedKey(settings: PasswordResetSettings): string | null {
  return (
    Object.keys(settings).find((key) => /banned/i.test(key) && Array.isArray(settings[key])) ?? null
  );
}

/** Entra's "Password reset" blade: scope, methods, registration, notifications, helpdesk. */
export function ResetSettingsPage(props: { readonly onError: (error: unknown) => void }) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('reset');
  const settings = useResetSettings(props.onError);
  const { draft, busy, saved, error } = settings;
  if (!draft) {
    return (
      <section>
        <StepHeading focusRef={heading}>{t('admin.reset.title')}</StepHeading>
        <OutcomeNotice error={settings.loadError} />
      </section>
    );
  }
  const update = (change: Partial<PasswordResetSettings>) =>
    settings.edit((value) => ({ ...value, ...change }));
  const banned = bannedKey(draft);
  return (
    <section>
      <StepHeading focusRef={heading}>{t('admin.reset.title')}</StepHeading>
      <form className="card" onSubmit={settings.save}>
        <fieldset>
          <legend>{t('admin.reset.scope')}</legend>
          <div className="segmented">
            {scopes.map((scope) => (
              <label key={scope}>
                <input
                  type="radio"
                  name="scope"
                  value={scope}
                  checked={draft.ssprEnabled === scope}
                  onChange={() => update({ ssprEnabled: scope })}
                />{' '}
                {t(`admin.reset.scope.${scope}`)}
              </label>
            ))}
          </div>
          {draft.ssprEnabled === 'selected' ? (
            <TextField
              label={t('admin.reset.group')}
              value={draft.ssprGroupId ?? ''}
              onValue={(value) => update({ ssprGroupId: value.trim() || null })}
            />
          ) : null}
        </fieldset>
        <fieldset>
          <legend>{t('admin.reset.methodsRequired')}</legend>
          <div className="segmented">
            {([1, 2] as const).map((count) => (
              <label key={count}>
                <input
                  type="radio"
                  name="methodsRequired"
                  checked={draft.methodsRequired === count}
                  onChange={() => update({ methodsRequired: count })}
                />{' '}
                {count}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('admin.reset.methodsAllowed')}</legend>
          {methodKinds.map((kind) => (
            <label key={kind} className="check-row">
              <input
                type="checkbox"
                checked={draft.methodsAllowed.includes(kind)}
                onChange={(event) =>
                  update({
                    methodsAllowed: event.target.checked
                      ? [...draft.methodsAllowed, kind]
                      : draft.methodsAllowed.filter((item) => item !== kind),
                  })
                }
              />{' '}
              {t(`me.method.${kind}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <Switch
          label={t('admin.reset.registration')}
          checked={draft.registrationRequiredAtSignIn}
          onChange={(value) => update({ registrationRequiredAtSignIn: value })}
        />
        <TextField
          label={t('admin.reset.reconfirm')}
          type="number"
          min={0}
          max={730}
          value={String(draft.reconfirmDays)}
          onValue={(value) => update({ reconfirmDays: Number(value) || 0 })}
        />
        <Switch
          label={t('admin.reset.notifyUsers')}
          checked={draft.notifyUsersOnReset}
          onChange={(value) => update({ notifyUsersOnReset: value })}
        />
        <Switch
          label={t('admin.reset.notifyAdmins')}
          checked={draft.notifyAdminsOnAdminReset}
          onChange={(value) => update({ notifyAdminsOnAdminReset: value })}
        />
        <TextField
          label={t('admin.reset.helpdesk')}
          value={draft.helpdeskLink ?? ''}
          onValue={(value) => update({ helpdeskLink: value.trim() || null })}
        />
        {banned ? (
          <div className="field">
            <label htmlFor="banned-list">{t('admin.reset.banned')}</label>
            <textarea
              id="banned-list"
              rows={5}
              value={(draft[banned] as string[]).join('\n')}
              onChange={(event) =>
                update({
                  [banned]: event.target.value
                    .split('\n')
                    .map((line) => line.trim())
                    .filter(Boolean),
                })
              }
            />
          </div>
        ) : null}
        <OutcomeNotice error={error} />
        <Notice tone="success">{saved ? t('common.saved') : null}</Notice>
        <Button type="submit" busy={busy}>
          {t('common.save')}
        </Button>
      </form>
      <RegistrationCoverageCard onError={props.onError} version={Number(saved)} />
    </section>
  );
}
