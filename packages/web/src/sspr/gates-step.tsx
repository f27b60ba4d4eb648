import { useState } from 'react';
import { isApiError } from '../api/client';
import type { Gate, MethodKind, SsprStart } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { GateForm } from './gate-form';

/** Step 2: pass `required` of the offered gates, one at a time, in any order. */
export function GatesStep(props: {
  readonly flow: SsprStart;
  readonly onPassed: () => void;
  readonly onRestart: () => void;
}) {
  const { t } = useI18n();
  const [passed, setPassed] = useState<readonly MethodKind[]>([]);
  const open = props.flow.gates.filter((gate) => !passed.includes(gate.kind));
  const [selected, setSelected] = useState<MethodKind | null>(open[0]?.kind ?? null);
  const [expired, setExpired] = useState(false);
  const heading = useFocusOnChange<HTMLHeadingElement>(passed.length);
  const gateLabel = (gate: Gate) => t(`sspr.gate.${gate.kind}`, { hint: gate.hint ?? '' });

  return (
    <div className="card">
      <StepHeading focusRef={heading}>{t('sspr.gates.title')}</StepHeading>
      <p className="lead">
        {props.flow.required > 1 ? t('sspr.gates.lead.2') : t('sspr.gates.lead.1')}
      </p>
      <Notice tone="success">
        {passed.length > 0
          ? `${t('sspr.gate.passed')} ${t('sspr.gates.progress', {
              done: passed.length,
              required: props.flow.required,
            })}`
          : null}
      </Notice>
      <fieldset>
        <legend className="visually-hidden">{t('sspr.gates.title')}</legend>
        {open.map((gate) => (
          <label key={gate.kind} className="choice">
            <input
              type="radio"
              name="gate"
              value={gate.kind}
              checked={selected === gate.kind}
              onChange={() => setSelected(gate.kind)}
            />{' '}
            {gateLabel(gate)}
          </label>
        ))}
      </fieldset>
      {selected && !expired ? (
        <GateForm
          key={selected}
          flowToken={props.flow.flowToken}
          kind={selected}
          onPassed={(answer) => {
            const next = [...passed, selected];
            setPassed(next);
            if (answer.remaining <= 0) {
              props.onPassed();
              return;
            }
            setSelected(props.flow.gates.find((gate) => !next.includes(gate.kind))?.kind ?? null);
          }}
          onFailed={(error) => {
            if (isApiError(error, 'flow_expired', 'verification_required', 'expired'))
              setExpired(true);
          }}
        />
      ) : null}
      {expired ? (
        <Button variant="secondary" onClick={props.onRestart}>
          {t('sspr.again')}
        </Button>
      ) : null}
    </div>
  );
}
