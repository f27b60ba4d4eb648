/** One doctor finding: what was checked, the result, what the directory said, and the fix. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was read (from the directory, the certificate, the cloud), not a guess. */
  readonly evidence: string;
  /** The exact commands or settings that fix it (warn and fail only). */
  readonly fix?: string;
}

export type CheckStatus = 'pass' | 'warn' | 'fail';

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The doctor's exit code is its worst result: 0 all pass, 1 a warning, 2 a failure. */
export function worstStatus(results: readonly CheckResult[]): CheckStatus {
  return results.reduce<CheckStatus>(
    (worst, result) => (RANK[result.status] > RANK[worst] ? result.status : worst),
    'pass',
  );
}

export function exitCodeOf(status: CheckStatus): number {
  return RANK[status];
}

export function check(
  id: string,
  title: string,
  status: CheckStatus,
  evidence: string,
  fix?: string,
): CheckResult {
  return { id, title, status, evidence, ...(fix && status !== 'pass' ? { fix } : {}) };
}

const MARK: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

/** The table people read: one line per check, then its evidence and fix indented. */
export function renderReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.title.length), 10);
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${MARK[result.status]}  ${result.title.padEnd(width)}  [${result.id}]`);
    lines.push(...result.evidence.split('\n').map((line) => `        ${line}`));
    if (result.fix) {
      lines.push('      fix:');
      lines.push(...result.fix.split('\n').map((line) => `        ${line}`));
    }
  }
  const counts = (['pass', 'warn', 'fail'] as const).map(
    (status) => `${results.filter((result) => result.status === status).length} ${status}`,
  );
  lines.push('', `${counts.join(', ')}: overall ${worstStatus(results)}`);
  return lines.join('\n');
}
