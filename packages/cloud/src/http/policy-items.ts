import { describeRule, type Locale, type PasswordEvaluation } from '@ferry/policy';
import type { PasswordRuleCode } from '@ferry/protocol';

export interface PolicyItemView {
  rule: PasswordRuleCode;
  status: 'pass' | 'fail' | 'directory';
  origin: 'cloud' | 'directory';
  params: Record<string, string | number | boolean>;
  message: string;
}

/** An evaluation as the live-check endpoints show it: every rule, its verdict and wording. */
export function toPolicyItems(evaluation: PasswordEvaluation, locale: Locale): PolicyItemView[] {
  return evaluation.items.map((item) => ({
    rule: item.rule,
    status: item.status,
    origin: item.origin,
    params: { ...item.params } as Record<string, string | number | boolean>,
    message: describeRule(item, locale),
  }));
}
