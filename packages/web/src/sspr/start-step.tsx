import { useState } from 'react';
import { api } from '../api/client';
import type { SsprStart } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { solveProofOfWork } from './proof-of-work';
import { ssprLinkParams } from './sspr-link';

export type SsprAction = 'reset' | 'unlock';

/** Step 1: the user name (and reset or unlock), then the proof of work, then /sspr/start. */
export function StartStep(props: {
  readonly unlockEnabled: boolean;
  readonly onStarted: (flow: SsprStart, action: SsprAction) => void;
}) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('start');
  // A sign-in page may link here with the user name and the action already chosen.
  const [upn, setUpn] = useState(() => ssprLinkParams().upn);
  const [action, setAction] = useState<SsprAction>(() =>
    props.unlockEnabled ? ssprLinkParams().action : 'reset',
  );
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  const start = async () => {
    setError(null);
    setProgress(0);
    try {
      const puzzle = await api<{ challenge: string; difficulty: number }>('/sspr/challenge');
      const nonce = await solveProofOfWork(puzzle.challenge, puzzle.difficulty, setProgress);
      setProgress(1);
      const flow = await api<SsprStart>('/sspr/start', {
        body: { userPrincipalName: upn.trim(), challenge: puzzle.challenge, nonce },
      });
      props.onStarted(flow, action);
    } catch (failure) {
      setError(failure);
      setProgress(null);
    }
  };

  const busy = progress !== null;
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <StepHeading focusRef={heading}>{t('sspr.title')}</StepHeading>
      <p className="lead">{t('sspr.lead')}</p>
      <TextField
        label={t('field.upn')}
        hint={t('field.upn.hint')}
        value={upn}
        onValue={setUpn}
        type="email"
        autoComplete="username"
        required
        name="upn"
      />
      {props.unlockEnabled ? (
        <fieldset>
          <legend>{t('sspr.action')}</legend>
          <label className="check-row">
            <input
              type="radio"
              name="action"
              checked={action === 'reset'}
              onChange={() => setAction('reset')}
            />{' '}
            {t('sspr.action.reset')}
          </label>
          <label className="check-row">
            <input
              type="radio"
              name="action"
              checked={action === 'unlock'}
              onChange={() => setAction('unlock')}
            />{' '}
            {t('sspr.action.unlock')}
          </label>
        </fieldset>
      ) : null}
      <p role="status" className="muted" data-testid="pow-status">
        {progress === null
          ? ''
          : progress >= 1
            ? t('sspr.pow.done')
            : t('sspr.pow', { percent: `${Math.round(progress * 100)} %` })}
      </p>
      <OutcomeNotice error={error} />
      <Button type="submit" busy={busy}>
        {t('common.continue')}
      </Button>
    </form>
  );
}
