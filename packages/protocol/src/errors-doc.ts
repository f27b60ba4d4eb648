import { errorBodyFields, writebackDisabledMessages } from './error-fields.js';
import { errorRegistry, type ErrorEntry } from './error-registry.js';

const sections: ReadonlyArray<{ kind: ErrorEntry['kind']; title: string }> = [
  { kind: 'outcome', title: 'Outcomes of password operations' },
  { kind: 'api', title: 'API errors' },
  { kind: 'cli', title: 'Command-line errors' },
];

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Renders docs/errors.md from the registry; a test keeps the committed file equal to it. */
export function renderErrorsDoc(): string {
  const lines = [
    '# Error and outcome codes',
    '',
    'Generated from `packages/protocol/src/error-registry.ts` by `npm run docs`;',
    'a test fails when this page and the registry differ. Codes are stable and never reused.',
    '`Message` is what an end user may see; `Operator hint` is for admins and logs.',
  ];
  for (const { kind, title } of sections) {
    lines.push(
      '',
      `## ${title}`,
      '',
      '| Code | HTTP | Message | Operator hint |',
      '| --- | --- | --- | --- |',
    );
    for (const [code, entry] of Object.entries(errorRegistry) as Array<[string, ErrorEntry]>) {
      if (entry.kind !== kind) continue;
      lines.push(
        `| \`${code}\` | ${entry.httpStatus} | ${cell(entry.message)} | ${cell(entry.operatorHint)} |`,
      );
    }
  }
  lines.push(
    '',
    '## Fields of an error body',
    '',
    'Every API error answers `{ error: { code, message, requestId, ... } }`; these fields appear',
    'where they apply.',
    '',
    '| Field | Meaning |',
    '| --- | --- |',
  );
  for (const [field, meaning] of Object.entries(errorBodyFields)) {
    lines.push(`| \`${field}\` | ${cell(meaning)} |`);
  }
  lines.push(
    '',
    '## Messages of `writeback_disabled` by operation',
    '',
    '| Operation | Message |',
    '| --- | --- |',
  );
  for (const [operation, message] of Object.entries(writebackDisabledMessages)) {
    lines.push(`| \`${operation}\` | ${cell(message)} |`);
  }
  return lines.join('\n') + '\n';
}
