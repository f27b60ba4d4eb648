import { useState, type ReactNode } from 'react';
import type { PolicyCheck } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { PasswordInput } from '../ui/fields';
import { NewPasswordFields } from '../ui/new-password';

export interface PasswordChange {
  readonly current: string;
  readonly password: string;
  /** Current and new given, and the new one confirmed. */
  readonly complete: boolean;
  /** The current, new and confirmation fields, the new one checked live with `check`. */
  readonly fields: ReactNode;
  clear(): void;
}

/** A change form's state and fields: the current password, then the new one twice. */
export function usePasswordChange(
  check: (candidate: string) => Promise<PolicyCheck>,
  initialCurrent = '',
): PasswordChange {
  const { t } = useI18n();
  const [current, setCurrent] = useState(initialCurrent);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  return {
    current,
    password,
    complete: current !== '' && password !== '' && password === confirm,
    fields: (
      <>
        <PasswordInput
          label={t('field.currentPassword')}
          value={current}
          onValue={setCurrent}
          autoComplete="current-password"
          required
        />
        <NewPasswordFields
          value={password}
          onValue={setPassword}
          confirm={confirm}
          onConfirm={setConfirm}
          check={check}
          showMismatch
        />
      </>
    ),
    clear() {
      setCurrent('');
      setPassword('');
      setConfirm('');
    },
  };
}
