import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const reliabilityDoc = path.join(root, 'docs', 'reliability.md');

const HEADER = `# Reliability

The figures below are written by the suites that measure them (fault, fuzz and load), each
into its own section between markers; edit the text outside the markers only.
`;

/**
 * Replaces the section between \`<!-- name:start -->\` and \`<!-- name:end -->\` of
 * docs/reliability.md (appending it, or creating the file, when absent); the rest of the page
 * is kept as it is, so several suites can share it.
 */
export async function writeReliabilitySection(name: string, markdown: string): Promise<void> {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(reliabilityDoc) ? readFileSync(reliabilityDoc, 'utf8') : HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  // Formatted as \`npm run lint\` wants it, so a suite's run leaves the page lint-clean.
  const options = (await resolveConfig(reliabilityDoc)) ?? {};
  const formatted = await format(next, { ...options, filepath: reliabilityDoc });
  if (formatted !== current) writeFileSync(reliabilityDoc, formatted);
}
