import { useId, useState } from 'react';
import type { InputHTMLAttributes, ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>;

/** A labelled input with an optional hint and error, wired for assistive technology. */
export function TextField(
  props: InputProps & {
    readonly label: string;
    readonly value: string;
    readonly onValue: (value: string) => void;
    readonly hint?: string;
    readonly error?: string | null;
    readonly after?: ReactNode;
  },
) {
  const { label, value, onValue, hint, error, after, ...input } = props;
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        value={value}
        onChange={(event) => onValue(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
      {after}
    </div>
  );
}

/** A password input with a "show" toggle; never autocompleted into a wrong field. */
export function PasswordInput(
  props: InputProps & {
    readonly label: string;
    readonly value: string;
    readonly onValue: (value: string) => void;
    readonly autoComplete: 'current-password' | 'new-password';
    readonly error?: string | null;
    readonly describedBy?: string;
  },
) {
  const { t } = useI18n();
  const [shown, setShown] = useState(false);
  const { label, value, onValue, error, describedBy, ...input } = props;
  const id = useId();
  const described = [describedBy, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="password-row">
        <input
          id={id}
          type={shown ? 'text' : 'password'}
          value={value}
          onChange={(event) => onValue(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={described || undefined}
          spellCheck={false}
          autoCapitalize="off"
          {...input}
        />
        <label className="show-toggle">
          <input
            type="checkbox"
            checked={shown}
            onChange={(event) => setShown(event.target.checked)}
          />{' '}
          {t('password.show')}
        </label>
      </div>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Button(
  props: React.ButtonHTMLAttributes<HTMLButtonElement> & {
    readonly busy?: boolean;
    readonly variant?: 'primary' | 'secondary' | 'danger' | 'link';
  },
) {
  const { t } = useI18n();
  const { busy, variant = 'primary', children, disabled, ...rest } = props;
  return (
    <button
      className={`button button-${variant}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? t('common.working') : children}
    </button>
  );
}
