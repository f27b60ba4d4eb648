import type { MeView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { Notice } from '../ui/notice';

export function OverviewPage(props: {
  readonly me: MeView;
  readonly onRegister: () => void;
  /** "My methods are up to date", when an admin asked for a review and none is missing. */
  readonly onReviewed: () => void;
}) {
  const { t } = useI18n();
  const { me } = props;
  const heading = useFocusOnChange<HTMLHeadingElement>('overview');
  return (
    <section>
      <StepHeading focusRef={heading}>
        {t('me.overview.title', { name: me.displayName })}
      </StepHeading>
      {me.registration.required ? (
        <Notice tone="warning" testId="registration-prompt">
          <h2>{t('me.registration.title')}</h2>
          {me.registration.missing > 0 ? (
            <p>{t('me.registration.lead', { missing: me.registration.missing })}</p>
          ) : (
            <p>{t('me.registration.review')}</p>
          )}
          <div className="row-actions">
            <Button onClick={props.onRegister}>{t('me.registration.go')}</Button>
            {me.registration.missing === 0 ? (
              <Button variant="secondary" onClick={props.onReviewed}>
                {t('me.registration.reviewed')}
              </Button>
            ) : null}
          </div>
        </Notice>
      ) : (
        <Notice tone="info" />
      )}
      <dl className="facts card">
        <dt>{t('me.overview.upn')}</dt>
        <dd>{me.userPrincipalName}</dd>
        <dt>{t('me.overview.source')}</dt>
        <dd>{t(`me.overview.source.${me.source}`)}</dd>
        <dt>{t('me.overview.methods')}</dt>
        <dd>
          {me.methods.length === 0
            ? t('me.security.none')
            : me.methods.map((method) => t(`me.method.${method.kind}` as MessageKey)).join(', ')}
        </dd>
      </dl>
    </section>
  );
}
