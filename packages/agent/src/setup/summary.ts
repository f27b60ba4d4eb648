import type { SetupAnswers } from './setup-flags.js';

const mark = (on: boolean): string => (on ? '[x]' : '[ ]');

/** What setup is about to write and do, before the admin says yes. */
export function renderSummary(
  answers: SetupAnswers,
  where: { configFile: string; stateDir: string; enrolledAs: string | undefined },
): string {
  const scope =
    answers.includeOus.length > 0
      ? answers.includeOus.join('; ')
      : `everything under ${answers.baseDn}`;
  return [
    '',
    'Summary',
    `  cloud:              ${answers.cloudUrl}${where.enrolledAs ? ` (enrolled as ${where.enrolledAs})` : ` (enroll as "${answers.name}")`}`,
    `  directory:          ${answers.dialect === 'ad' ? 'Active Directory' : 'OpenLDAP'}`,
    `  domain controllers: ${answers.ldapUrls.join(', ')}`,
    `  CA file:            ${answers.caFile ?? "this host's CA store"}`,
    `  service account:    ${answers.bindDn} (bind tested)`,
    `  base DN:            ${answers.baseDn}`,
    `  OUs synced:         ${scope}`,
    ...(answers.excludeOus.length > 0
      ? [`  OUs left out:       ${answers.excludeOus.join('; ')}`]
      : []),
    ...(answers.dialect === 'ad'
      ? [`  critical objects:   ${answers.syncCriticalObjects ? 'synced' : 'left out'}`]
      : []),
    `  ${mark(answers.passwordWriteback)} Password writeback`,
    `  ${mark(answers.accountUnlock)} Unlock without a password reset`,
    `  ${mark(answers.sync)} Sync the directory into the cloud`,
    `  config file:        ${where.configFile} (password in bind-password beside it)`,
    `  state folder:       ${where.stateDir}`,
    '',
  ].join('\n');
}
