import { useEffect, useEffectEvent, useState } from 'react';
import type { MethodKind } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { Notice } from '../ui/notice';
import { OutcomeNotice } from '../ui/outcome';
import { flowApi } from './sspr-api';

export interface GateAnswer {
  readonly passed: readonly MethodKind[];
  readonly remaining: number;
}

/** One gate: send a code (email, phone), type a code (and TOTP), or answer questions. */
export function GateForm(props: {
  readonly flowToken: string;
  readonly kind: MethodKind;
  readonly onPassed: (answer: GateAnswer) => void;
  readonly onFailed: (error: unknown) => void;
}) {
  const { t } = useI18n();
  const { kind, flowToken } = props;
  const needsSend = kind === 'email' || kind === 'phone';
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState('');
  const [questions, setQuestions] = useState<readonly string[] | null>(null);
  const [answers, setAnswers] = useState<readonly string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const onFailed = useEffectEvent(props.onFailed);
  useEffect(() => {
    if (kind !== 'security_questions') return;
    flowApi<{ questions: string[] }>(flowToken, '/gates/security_questions')
      .then((answer) => {
        setQuestions(answer.questions);
        setAnswers(answer.questions.map(() => ''));
      })
      .catch((failure: unknown) => {
        setError(failure);
        onFailed(failure);
      });
    // The form is keyed by gate kind: it loads once per gate.
  }, [kind, flowToken]);

  const call = (promise: Promise<unknown>, then: (value: unknown) => void) => {
    setBusy(true);
    setError(null);
    promise
      .then(then)
      .catch((failure: unknown) => {
        setError(failure);
        props.onFailed(failure);
      })
      .finally(() => setBusy(false));
  };

  if (needsSend && !sent) {
    return (
      <div className="gate">
        <OutcomeNotice error={error} />
        <Button
          busy={busy}
          onClick={() =>
            call(flowApi(flowToken, `/gates/${kind}/send`, { method: 'POST', body: {} }), () =>
              setSent(true),
            )
          }
        >
          {t('sspr.gate.send')}
        </Button>
      </div>
    );
  }

  const body =
    kind === 'security_questions'
      ? {
          answers: (questions ?? []).map((question, index) => ({
            question,
            answer: answers[index] ?? '',
          })),
        }
      : { code: code.trim() };
  return (
    <form
      className="gate"
      onSubmit={(event) => {
        event.preventDefault();
        call(flowApi<GateAnswer>(flowToken, `/gates/${kind}/verify`, { body }), (answer) => {
          setCode('');
          props.onPassed(answer as GateAnswer);
        });
      }}
    >
      <Notice tone="info">{needsSend && sent ? t('sspr.gate.sent') : null}</Notice>
      {kind === 'security_questions' ? (
        (questions ?? []).map((question, index) => (
          <TextField
            key={question}
            label={question}
            value={answers[index] ?? ''}
            onValue={(value) =>
              setAnswers(answers.map((item, at) => (at === index ? value : item)))
            }
            autoComplete="off"
            required
          />
        ))
      ) : (
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
          autoFocus={needsSend}
          name="code"
        />
      )}
      <OutcomeNotice error={error} />
      <Button type="submit" busy={busy}>
        {t('sspr.gate.verify')}
      </Button>
    </form>
  );
}
