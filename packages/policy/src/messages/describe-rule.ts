import type { PasswordRuleCode } from '@ferry/protocol';
import type { RuleStatus } from '../feedback.js';
import type { DetailKey, Locale, MessageCatalogue } from './catalogue.js';
import { messagesEn } from './messages-en.js';
import { messagesFr } from './messages-fr.js';

const catalogues: { readonly [L in Locale]: MessageCatalogue } = { en: messagesEn, fr: messagesFr };

type ParamValue = string | number | boolean | undefined;

/**
 * A feedback item from the evaluator, or a violation the directory reported (no status:
 * it failed). Both carry a rule code and params.
 */
export interface DescribableRule {
  readonly rule: PasswordRuleCode;
  readonly status?: RuleStatus;
  readonly params: { readonly [name: string]: ParamValue };
}

export interface DescribeOptions {
  /** Time zone for instants such as `allowedAt`; UTC unless the caller knows the user's. */
  readonly timeZone?: string;
}

export function messageCatalogue(locale: Locale): MessageCatalogue {
  return catalogues[locale];
}

/**
 * One sentence or a few for a rule, in the user's language: the requirement while it holds
 * (or when the directory will check it), why the password fails it otherwise.
 */
export function describeRule(
  item: DescribableRule,
  locale: Locale,
  options: DescribeOptions = {},
): string {
  const messages = catalogues[locale];
  const values = formatParams(item.params, locale, options);
  const texts = messages.rules[item.rule];
  const status = item.status ?? 'fail';
  if (status === 'pass') return interpolate(texts.requirement, values);
  if (status === 'directory') {
    return `${interpolate(texts.requirement, values)} ${messages.checkedByDirectory}`;
  }
  const details = failureDetails(item).map((key) => interpolate(messages.details[key], values));
  return [interpolate(texts.failed, values), ...details].join(' ');
}

/** Replaces each `{name}` with its value; an unknown name stays as written. */
export function interpolate(template: string, values: { readonly [name: string]: string }): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The placeholders a template uses (tests keep catalogues and params in step). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
}

function failureDetails(item: DescribableRule): DetailKey[] {
  const p = item.params;
  const keys: DetailKey[] = [];
  switch (item.rule) {
    case 'complexity':
      if (
        typeof p['categoriesMet'] === 'number' &&
        typeof p['categoriesRequired'] === 'number' &&
        p['categoriesMet'] < p['categoriesRequired']
      ) {
        keys.push('complexity.categories');
      }
      if (p['containsAccountName'] === true) keys.push('complexity.account_name');
      if (p['containsDisplayNameToken'] === true) keys.push('complexity.display_name');
      break;
    case 'banned':
      if (p['commonPassword'] === true) keys.push('banned.common_password');
      if (p['customTerm'] === true) keys.push('banned.custom_term');
      if (p['userName'] === true) keys.push('banned.user_name');
      if (p['tenantName'] === true) keys.push('banned.tenant_name');
      break;
    case 'min_age':
      if (typeof allowedAtOf(p) === 'string') keys.push('min_age.allowed_at');
      break;
    default:
      break;
  }
  return keys;
}

function formatParams(
  params: DescribableRule['params'],
  locale: Locale,
  options: DescribeOptions,
): Record<string, string> {
  const numbers = new Intl.NumberFormat(locale);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'number') out[name] = numbers.format(value);
    else if (typeof value === 'string') out[name] = value;
  }
  const allowedAt = allowedAtOf(params);
  if (typeof allowedAt === 'string' && !Number.isNaN(Date.parse(allowedAt))) {
    out['allowedAt'] = new Intl.DateTimeFormat(locale, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: options.timeZone ?? 'UTC',
    }).format(new Date(allowedAt));
  }
  const minAgeSeconds = params['minAgeSeconds'];
  if (typeof minAgeSeconds === 'number') out['minAge'] = formatDuration(minAgeSeconds, locale);
  return out;
}

/**
 * The instant a minimum age passes. Agents built before this rename named it `retryAfter`; read
 * both so a cloud ahead of its agents still says the date.
 */
function allowedAtOf(params: DescribableRule['params']): unknown {
  return params['allowedAt'] ?? params['retryAfter'];
}

/** "1 day", "36 hours", "5 minutes": the largest whole unit. */
function formatDuration(seconds: number, locale: Locale): string {
  const [unit, size] =
    seconds % 86_400 === 0
      ? (['day', 86_400] as const)
      : seconds % 3_600 === 0
        ? (['hour', 3_600] as const)
        : seconds % 60 === 0
          ? (['minute', 60] as const)
          : (['second', 1] as const);
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(
    seconds / size,
  );
}
