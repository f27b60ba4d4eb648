import type { z } from 'zod';
import { configKeys } from './config-key.js';

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** A markdown table of a config schema's keys; each program's docs page is generated from it. */
export function renderConfigTable(schema: z.ZodObject): string[] {
  const lines = [
    '| Key | Variable | Type | Default | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const info of configKeys(schema)) {
    const variable = info.secret ? `\`${info.env}\`, \`${info.env}_FILE\`` : `\`${info.env}\``;
    const fallback = info.default === undefined ? '—' : `\`${JSON.stringify(info.default)}\``;
    const secret = info.secret ? ' Secret.' : '';
    lines.push(
      `| \`${info.key}\` | ${variable} | ${cell(info.type)} | ${fallback} | ${cell(info.description)}${secret} |`,
    );
  }
  return lines;
}
