import { useState } from 'react';
import type { SsprStart } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { flowApi } from './sspr-api';

/** Step 3 of an unlock: one button, then the directory's answer. */
export function UnlockStep(props: {
  readonly flow: SsprStart;
  readonly helpdeskUrl: string | null;
  readonly onDone: () => void;
  readonly onRestart: () => void;
}) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('unlock');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="card">
      <StepHeading focusRef={heading}>{t('sspr.unlock.title')}</StepHeading>
      <p className="lead">{t('sspr.unlock.lead')}</p>
      <OutcomeNotice error={error} helpdeskUrl={props.helpdeskUrl} />
      <div className="button-row">
        <Button
          busy={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            flowApi(props.flow.flowToken, '/unlock', { method: 'POST', body: {} })
              .then(props.onDone)
              .catch(setError)
              .finally(() => setBusy(false));
          }}
        >
          {t('sspr.unlock.submit')}
        </Button>
        <Button variant="secondary" onClick={props.onRestart}>
          {t('sspr.again')}
        </Button>
      </div>
    </div>
  );
}
