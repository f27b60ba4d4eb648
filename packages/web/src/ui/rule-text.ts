import { describeRule } from '@ferry/rule-messages';
import type { RuleViolation } from '../api/types';
import type { Language } from '../i18n/i18n';

const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A rule the directory or the cloud refused, in the policy package's own words. */
export function violationText(violation: RuleViolation, language: Language): string {
  return describeRule({ rule: violation.rule, params: violation.params }, language, { timeZone });
}
