import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';
import { ssprLinkParams } from './sspr-link';
import type { SsprAction } from './start-step';

/** The end of a successful flow: what happened, and where to go next. */
export function DoneStep(props: { readonly action: SsprAction; readonly onRestart: () => void }) {
  const { t } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('done');
  const { returnTo } = ssprLinkParams();
  return (
    <div className="card">
      <StepHeading focusRef={heading}>{t('sspr.title')}</StepHeading>
      <Notice tone="success" testId="sspr-done">
        {props.action === 'unlock' ? t('sspr.done.unlock') : t('sspr.done.reset')}
      </Notice>
      {returnTo ? (
        <p>
          <a className="button button-primary" href={returnTo} data-testid="sspr-return">
            {t('sspr.backToSignIn')}
          </a>
        </p>
      ) : (
        <p>
          <a href="/myaccount">{t('app.home.myaccount')}</a>
        </p>
      )}
      <Button variant="secondary" onClick={props.onRestart}>
        {t('sspr.again')}
      </Button>
    </div>
  );
}
