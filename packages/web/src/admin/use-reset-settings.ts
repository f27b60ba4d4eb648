import { useEffect, useState, type FormEvent } from 'react';
import type { PasswordResetSettings } from '../api/types';
import { adminApi } from './admin-api';
import { useLoad } from './use-load';

export interface ResetSettingsDraft {
  /** The settings as edited, null until loaded. */
  readonly draft: PasswordResetSettings | null;
  readonly loadError: unknown;
  readonly busy: boolean;
  readonly saved: boolean;
  readonly error: unknown;
  /** Applies an edit to the draft (and clears "saved"). */
  edit(change: (draft: PasswordResetSettings) => PasswordResetSettings): void;
  /** A form's submit handler: saves the draft and takes the stored document back. */
  save(event: FormEvent): void;
}

/** The tenant's password reset settings document, loaded, edited and saved as one. */
export function useResetSettings(onError: (error: unknown) => void): ResetSettingsDraft {
  const loaded = useLoad(
    () => adminApi<PasswordResetSettings>('/settings/password-reset'),
    onError,
  );
  const [draft, setDraft] = useState<PasswordResetSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (loaded.data) setDraft(loaded.data);
  }, [loaded.data]);
  return {
    draft,
    loadError: loaded.error,
    busy,
    saved,
    error,
    edit(change) {
      setSaved(false);
      setDraft((value) => value && change(value));
    },
    save(event) {
      event.preventDefault();
      setBusy(true);
      setError(null);
      adminApi<PasswordResetSettings>('/settings/password-reset', { method: 'PUT', body: draft })
        .then((value) => {
          setDraft(value);
          setSaved(true);
        })
        .catch((failure: unknown) => {
          setError(failure);
          onError(failure);
        })
        .finally(() => setBusy(false));
    },
  };
}
