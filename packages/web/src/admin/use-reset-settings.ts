import { useState, type FormEvent } from 'react';
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
  // The draft is the loaded document until the first edit or save.
  const [edited, setEdited] = useState<PasswordResetSettings | null>(null);
  const draft = edited ?? loaded.data;
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return {
    draft,
    loadError: loaded.error,
    busy,
    saved,
    error,
    edit(change) {
      setSaved(false);
      setEdited((value) => {
        const base = value ?? loaded.data;
        return base && change(base);
      });
    },
    save(event) {
      event.preventDefault();
      setBusy(true);
      setError(null);
      adminApi<PasswordResetSettings>('/settings/password-reset', { method: 'PUT', body: draft })
        .then((value) => {
          setEdited(value);
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
