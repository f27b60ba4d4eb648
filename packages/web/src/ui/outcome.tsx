import { ApiError } from '../api/client';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { messagesEn } from '../i18n/messages-en';
import { useHelpdeskUrl } from './helpdesk';
import { Notice } from './notice';
import { violationText } from './rule-text';

/** Codes after which the user is pointed to their helpdesk. */
const helpdeskCodes = new Set([
  'protected_account',
  'account_disabled',
  'writeback_disabled',
  'account_expired',
  'access_denied',
  'change_not_allowed',
  'directory_error',
  'operation_rejected',
  'sspr_disabled',
  'mail_not_configured',
  'sms_not_configured',
]);

/**
 * A refusal explained precisely: which rule the directory refused (with the date when a
 * minimum age will pass), or what state the account or the service is in; never a bare code.
 */
export function OutcomeNotice(props: {
  readonly error: unknown;
  readonly helpdeskUrl?: string | null;
}) {
  const { t, language, dateTime } = useI18n();
  const error: ApiError | null = !props.error
    ? null
    : props.error instanceof ApiError
      ? props.error
      : new ApiError(0, 'internal_error', String(props.error));
  const wantsHelpdesk = Boolean(error && helpdeskCodes.has(error.code));
  const fetched = useHelpdeskUrl(wantsHelpdesk && props.helpdeskUrl === undefined);
  if (!error) return <Notice tone="error" />;
  const key = messageKeyOf(error);
  const known = key in messagesEn;
  const helpdesk = wantsHelpdesk ? (props.helpdeskUrl ?? fetched) : null;
  return (
    <Notice tone="error" testId="outcome-error">
      <p data-code={error.code}>
        {error.code === 'policy_violation'
          ? t('password.refused')
          : known
            ? t(key as MessageKey)
            : t('outcome.generic', { code: error.code })}
      </p>
      {error.rules.length > 0 ? (
        <ul className="refused-rules">
          {error.rules.map((rule, index) => (
            <li key={`${rule.rule}-${index}`} data-rule={rule.rule}>
              {violationText(rule, language)}
            </li>
          ))}
        </ul>
      ) : null}
      {error.facts.scope ? (
        <p data-scope={error.facts.scope}>
          {t(`outcome.writeback_disabled.scope.${error.facts.scope}`)}
        </p>
      ) : null}
      {error.code === 'policy_violation' ? null : error.facts.allowedAt ? (
        <p>{t('common.allowedAt', { time: dateTime(error.facts.allowedAt) })}</p>
      ) : error.retryAfter ? (
        <p>{t('common.retryAfter', { minutes: Math.max(1, Math.ceil(error.retryAfter / 60)) })}</p>
      ) : null}
      {helpdesk ? (
        <p>
          <a href={helpdeskHref(helpdesk)}>{t('outcome.helpdesk')}</a>
        </p>
      ) : null}
    </Notice>
  );
}

/** The message for the code, fitted to the operation a writeback refusal names. */
function messageKeyOf(error: ApiError): string {
  const operation = error.facts.operation;
  if (error.code === 'writeback_disabled' && operation && operation !== 'reset') {
    return `outcome.writeback_disabled.${operation}`;
  }
  return `outcome.${error.code}`;
}

function helpdeskHref(link: string): string {
  return link.includes('@') && !link.includes('://') ? `mailto:${link}` : link;
}
