import { useEffect, useState } from 'react';
import type { MethodKind } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { meApi } from './me-api';

/** Registers one method: contact + emailed/texted code, TOTP QR + code, or questions. */
export function AddMethod(props: { readonly kind: MethodKind; readonly onAdded: () => void }) {
  if (props.kind === 'totp') return <AddTotp onAdded={props.onAdded} />;
  if (props.kind === 'security_questions') return <AddQuestions onAdded={props.onAdded} />;
  return <AddContact kind={props.kind} onAdded={props.onAdded} />;
}

function useCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const call = <T,>(promise: Promise<T>, then: (value: T) => void) => {
    setBusy(true);
    setError(null);
    promise
      .then(then)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return { busy, error, call };
}

function CodeForm(props: { readonly path: string; readonly onAdded: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const { busy, error, call } = useCall();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        call(meApi(props.path, { body: { code: code.trim() } }), props.onAdded);
      }}
    >
      <TextField
        label={t('field.code')}
        hint={t('field.code.hint')}
        value={code}
        onValue={setCode}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        autoFocus
        name="code"
      />
      <OutcomeNotice error={error} />
      <Button type="submit" busy={busy}>
        {t('me.method.confirm')}
      </Button>
    </form>
  );
}

function AddContact(props: { readonly kind: 'email' | 'phone'; readonly onAdded: () => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, call } = useCall();
  const focus = useFocusOnChange<HTMLParagraphElement>(sent);
  const body = props.kind === 'email' ? { address: value.trim() } : { number: value.trim() };
  return (
    <div className="add-method">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          call(meApi(`/me/methods/${props.kind}`, { body }), () => setSent(true));
        }}
      >
        <TextField
          label={props.kind === 'email' ? t('me.method.address') : t('me.method.number')}
          {...(props.kind === 'phone' ? { hint: t('me.method.number.hint') } : {})}
          type={props.kind === 'email' ? 'email' : 'tel'}
          autoComplete={props.kind === 'email' ? 'email' : 'tel'}
          value={value}
          onValue={setValue}
          required
          readOnly={sent}
        />
        <OutcomeNotice error={error} />
        {sent ? null : (
          <Button type="submit" busy={busy}>
            {t('me.method.sendCode')}
          </Button>
        )}
      </form>
      {sent ? (
        <>
          <p ref={focus} tabIndex={-1} role="status">
            {t('me.method.codeSent')}
          </p>
          <CodeForm path={`/me/methods/${props.kind}/confirm`} onAdded={props.onAdded} />
        </>
      ) : null}
    </div>
  );
}

function AddTotp(props: { readonly onAdded: () => void }) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<{ otpauthUri: string; qrSvg: string } | null>(null);
  const { busy, error, call } = useCall();
  if (!setup) {
    return (
      <div className="add-method">
        <OutcomeNotice error={error} />
        <Button
          busy={busy}
          onClick={() =>
            call(
              meApi<{ otpauthUri: string; qrSvg: string }>('/me/methods/totp', {
                method: 'POST',
                body: {},
              }),
              setSetup,
            )
          }
        >
          {t('me.method.totp.start')}
        </Button>
      </div>
    );
  }
  // The SVG is shown as an image, never inlined as markup, so it cannot run anything.
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`;
  return (
    <div className="add-method">
      <p>{t('me.method.totp.lead')}</p>
      <img className="qr" src={qr} alt={t('me.method.totp.qr')} width={200} height={200} />
      <details>
        <summary>{t('me.method.totp.manual')}</summary>
        <code className="token">{setup.otpauthUri}</code>
      </details>
      <CodeForm path="/me/methods/totp/confirm" onAdded={props.onAdded} />
    </div>
  );
}

function AddQuestions(props: { readonly onAdded: () => void }) {
  const { t } = useI18n();
  const [catalog, setCatalog] = useState<{ questions: string[]; required: number } | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [answers, setAnswers] = useState<string[]>([]);
  const { busy, error, call } = useCall();
  useEffect(() => {
    meApi<{ questions: string[]; required: number }>('/me/methods/security_questions/catalog')
      .then((value) => {
        setCatalog(value);
        setPicked(value.questions.slice(0, value.required));
        setAnswers(value.questions.slice(0, value.required).map(() => ''));
      })
      .catch(() => setCatalog({ questions: [], required: 0 }));
  }, []);
  if (!catalog) return <p role="status">{t('common.loading')}</p>;
  return (
    <form
      className="add-method"
      onSubmit={(event) => {
        event.preventDefault();
        call(
          meApi('/me/methods/security_questions', {
            method: 'PUT',
            body: {
              answers: picked.map((question, index) => ({
                question,
                answer: answers[index] ?? '',
              })),
            },
          }),
          props.onAdded,
        );
      }}
    >
      <p>{t('me.method.questions.lead', { required: catalog.required })}</p>
      {picked.map((question, index) => (
        <fieldset key={index}>
          <legend>{t('me.method.questions.question', { n: index + 1 })}</legend>
          <div className="field">
            <label htmlFor={`question-${index}`}>{t('me.method.questions.pick')}</label>
            <select
              id={`question-${index}`}
              value={question}
              onChange={(event) =>
                setPicked(picked.map((item, at) => (at === index ? event.target.value : item)))
              }
            >
              {catalog.questions.map((option) => (
                <option
                  key={option}
                  value={option}
                  disabled={option !== question && picked.includes(option)}
                >
                  {option}
                </option>
              ))}
            </select>
          </div>
          <TextField
            label={t('sspr.gate.answer')}
            value={answers[index] ?? ''}
            onValue={(value) =>
              setAnswers(answers.map((item, at) => (at === index ? value : item)))
            }
            autoComplete="off"
            required
            minLength={3}
          />
        </fieldset>
      ))}
      <Notice tone="info" />
      <OutcomeNotice error={error} />
      <Button type="submit" busy={busy}>
        {t('common.save')}
      </Button>
    </form>
  );
}
