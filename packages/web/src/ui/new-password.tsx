import { useEffect, useId, useState } from 'react';
import type { PolicyCheck } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { PasswordInput } from './fields';

const DEBOUNCE_MS = 300;

/**
 * New password + confirmation with the rules in force, checked live (debounced) by the
 * caller's check endpoint, and a strength meter from the evaluator's score. The server's
 * answer decides: nothing here is a second policy engine.
 */
export function NewPasswordFields(props: {
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly confirm: string;
  readonly onConfirm: (value: string) => void;
  readonly check: (password: string) => Promise<PolicyCheck>;
  readonly showMismatch: boolean;
}) {
  const { t } = useI18n();
  const rulesId = useId();
  // The last answer and the value it is for: the check is running while they differ, and the
  // last answer stays on screen meanwhile.
  const [checked, setChecked] = useState<{ value: string; result: PolicyCheck | null } | null>(
    null,
  );
  const { value, check } = props;
  const result = checked?.result ?? null;
  const checking = checked?.value !== value;

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      check(value)
        .then((answer) => {
          if (current) setChecked({ value, result: answer });
        })
        .catch(() => {
          if (current) setChecked({ value, result: null });
        });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [value, check]);

  const score = strengthOf(result);
  const mismatch = props.showMismatch && props.confirm !== '' && props.confirm !== value;
  return (
    <>
      <PasswordInput
        label={t('field.newPassword')}
        value={value}
        onValue={props.onValue}
        autoComplete="new-password"
        describedBy={rulesId}
        required
      />
      <div className="strength" aria-hidden={value === '' ? true : undefined}>
        <label htmlFor={`${rulesId}-meter`}>{t('password.strength')}</label>
        <meter
          id={`${rulesId}-meter`}
          min={0}
          max={4}
          low={2}
          high={3}
          optimum={4}
          value={value === '' ? 0 : score}
        />
        <span className="strength-label">
          {value === '' ? '' : t(`password.strength.${score}` as MessageKey)}
        </span>
      </div>
      <section className="rules" aria-labelledby={`${rulesId}-title`}>
        <h2 id={`${rulesId}-title`} className="rules-title">
          {t('password.rules')}
          {checking ? <span className="muted"> · {t('password.checking')}</span> : null}
        </h2>
        <ul id={rulesId} data-testid="password-rules">
          {(result?.items ?? []).map((item) => {
            const state = value === '' && item.status === 'fail' ? 'pending' : item.status;
            return (
              <li key={item.rule} className={`rule rule-${state}`} data-rule={item.rule}>
                <span className="rule-icon" aria-hidden="true">
                  {state === 'pass' ? '✓' : state === 'fail' ? '✗' : '•'}
                </span>
                <span>
                  {item.message}
                  {state === 'pending' ? null : (
                    <span className="visually-hidden">
                      {' '}
                      ({t(`password.rule.${state}` as MessageKey)})
                    </span>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      </section>
      <PasswordInput
        label={t('field.confirmPassword')}
        value={props.confirm}
        onValue={props.onConfirm}
        autoComplete="new-password"
        error={mismatch ? t('password.mismatch') : null}
        required
      />
    </>
  );
}

/** 0..4 from the strength rule's params (zxcvbn score), 0 when there is no answer yet. */
function strengthOf(result: PolicyCheck | null): number {
  for (const item of result?.items ?? []) {
    const score = item.params['score'];
    if ((item.rule === 'weak' || item.rule === 'banned') && typeof score === 'number') {
      return Math.max(0, Math.min(4, Math.round(score)));
    }
  }
  return 0;
}
