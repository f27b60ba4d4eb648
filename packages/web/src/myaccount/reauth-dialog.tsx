import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { Button, PasswordInput } from '../ui/fields';
import { OutcomeNotice } from '../ui/outcome';
import { meApi, setReauthPrompt } from './me-api';

/**
 * The password prompt My Account shows when the cloud wants it proven again before a
 * verification method changes (ASVS 3.7.1). `meApi` opens it on `reauthentication_required`
 * and retries the change once the password is accepted; Cancel leaves the refusal standing.
 * A wrong password is a counted guess (the cloud's guess limit) and keeps the dialog open.
 */
export function ReauthDialog() {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [resolve, setResolve] = useState<((proven: boolean) => void) | null>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setReauthPrompt(() => new Promise<boolean>((done) => setResolve(() => done)));
    return () => setReauthPrompt(null);
  }, []);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (resolve && !element.open) element.showModal();
    if (!resolve && element.open) element.close();
  }, [resolve]);

  const finish = (proven: boolean) => {
    resolve?.(proven);
    setResolve(null);
    setPassword('');
    setError(null);
  };

  return (
    <dialog
      ref={dialog}
      className="card reauth-dialog"
      aria-labelledby="reauth-title"
      onCancel={(event) => {
        event.preventDefault();
        finish(false);
      }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          meApi('/me/reauthenticate', { body: { password } })
            .then(() => finish(true))
            .catch((failure: unknown) => {
              setPassword('');
              setError(failure);
            })
            .finally(() => setBusy(false));
        }}
      >
        <h2 id="reauth-title">{t('me.reauth.title')}</h2>
        <p>{t('me.reauth.lead')}</p>
        <PasswordInput
          label={t('field.password')}
          value={password}
          onValue={setPassword}
          autoComplete="current-password"
          required
        />
        <OutcomeNotice error={error} />
        <div className="button-row">
          <Button type="submit" busy={busy}>
            {t('me.reauth.confirm')}
          </Button>
          <Button type="button" variant="secondary" onClick={() => finish(false)}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
