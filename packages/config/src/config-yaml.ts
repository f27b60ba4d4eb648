import { stringify } from 'yaml';
import type { z } from 'zod';
import { configKeys } from './config-key.js';

/** Wraps a description into `# ` comment lines of at most `width` characters. */
function commentLines(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + 1 + word.length > width && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** One `key: value` YAML line (flow style, so a list stays on its line). */
function yamlLine(name: string, value: unknown): string {
  return `${name}: ${stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd()}`;
}

/** `dataKey` → `data-key`: the file name suggested for a secret. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * A config file for `/etc/ferry/`: every key of the schema with its description and its
 * default, commented out, so the file documents itself and changes nothing until a line is
 * uncommented. `active` keys are written uncommented (e.g. the packaged state folder); a key
 * without a default shows an example placeholder. Secret keys point to their `<key>File` form.
 */
export function renderConfigYaml(
  schema: z.ZodObject,
  header: readonly string[],
  active: Readonly<Record<string, unknown>> = {},
): string {
  const known = new Set(configKeys(schema).map((info) => info.key));
  const unknown = Object.keys(active).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`not keys of the schema: ${unknown.join(', ')}`);
  const out = header.map((line) => (line ? `# ${line}` : '#'));
  for (const info of configKeys(schema)) {
    const secret = info.secret
      ? ` Secret: give it as ${info.key}File, a file readable by the service only.`
      : '';
    out.push('', ...commentLines(`${info.description} (${info.type}; env ${info.env})${secret}`));
    if (info.key in active) out.push(yamlLine(info.key, active[info.key]));
    else if (info.secret) out.push(`#${info.key}File: /etc/ferry/${kebab(info.key)}`);
    else if (info.default !== undefined) out.push(`#${yamlLine(info.key, info.default)}`);
    else out.push(`#${info.key}:`);
  }
  return `${out.join('\n')}\n`;
}
