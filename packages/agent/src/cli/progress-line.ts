import type { RunProgress } from '../sync/sync-progress.js';

const BAR_WIDTH = 24;

/**
 * One line describing a run in progress: a bar when the expected size is known (a full run;
 * the cloud's user count), else a counter; with the rate so far.
 */
export function progressLine(progress: RunProgress, now: Date): string {
  const label = progress.preview
    ? 'preview'
    : progress.mode === 'full'
      ? 'full import'
      : 'delta sync';
  const seconds = Math.max(0.001, (now.getTime() - Date.parse(progress.startedAt)) / 1000);
  const rate = `${format(Math.round(progress.users / seconds))} users/s`;
  const expected = progress.expectedUsers;
  if (expected && expected > 0) {
    const ratio = Math.min(1, progress.users / expected);
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
    return `${label}  ${bar} ${percent}  ${format(progress.users)}/~${format(expected)} users  ${rate}`;
  }
  return `${label}  ${format(progress.users)} users, ${format(progress.batches)} batches  ${rate}`;
}

function format(value: number): string {
  return value.toLocaleString('en-US');
}
