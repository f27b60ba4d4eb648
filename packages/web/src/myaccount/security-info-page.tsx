import { useState } from 'react';
import type { MeView, MethodKind } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { AddMethod } from './add-method';
import { meApi } from './me-api';

const allKinds: readonly MethodKind[] = ['email', 'phone', 'totp', 'security_questions'];

/** Security info: the registered methods, remove one, add one of those still missing. */
export function SecurityInfoPage(props: { readonly me: MeView; readonly onChanged: () => void }) {
  const { t, dateTime } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('security');
  const [adding, setAdding] = useState<MethodKind | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const registered = new Set(props.me.methods.map((method) => method.kind));
  const allowed = props.me.registration.allowed ?? allKinds;
  const addable = allowed.filter((kind) => !registered.has(kind));
  return (
    <section>
      <StepHeading focusRef={heading}>{t('me.security.title')}</StepHeading>
      <p className="lead">{t('me.security.lead')}</p>
      <Notice tone="success">{notice ? t(notice) : null}</Notice>
      <OutcomeNotice error={error} />
      <ul className="method-list card" data-testid="methods">
        {props.me.methods.map((method) => (
          <li key={method.kind} data-kind={method.kind}>
            <div>
              <strong>{t(`me.method.${method.kind}` as MessageKey)}</strong>
              {method.value ? <span> · {method.value}</span> : null}
              <div className="muted">
                {t('me.security.registeredAt', { date: dateTime(method.registeredAt) })}
              </div>
            </div>
            <Button
              variant="secondary"
              aria-label={`${t('common.delete')} ${t(`me.method.${method.kind}` as MessageKey)}`}
              onClick={() => {
                setError(null);
                meApi(`/me/methods/${method.kind}`, { method: 'DELETE' })
                  .then(() => {
                    setNotice('me.security.removed');
                    props.onChanged();
                  })
                  .catch(setError);
              }}
            >
              {t('common.delete')}
            </Button>
          </li>
        ))}
        {props.me.methods.length === 0 ? <li className="muted">{t('me.security.none')}</li> : null}
      </ul>
      {addable.length > 0 ? (
        <div className="card">
          <h2>{t('me.security.add')}</h2>
          <div className="segmented">
            {addable.map((kind) => (
              <Button
                key={kind}
                variant={adding === kind ? 'primary' : 'secondary'}
                aria-pressed={adding === kind}
                onClick={() => {
                  setNotice(null);
                  setAdding(kind);
                }}
              >
                {t(`me.method.${kind}` as MessageKey)}
              </Button>
            ))}
          </div>
          {adding && addable.includes(adding) ? (
            <AddMethod
              key={adding}
              kind={adding}
              onAdded={() => {
                setAdding(null);
                setNotice('me.security.added');
                props.onChanged();
              }}
            />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
