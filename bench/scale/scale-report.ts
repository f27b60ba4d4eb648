import type { DirectoryScaleFigures } from './directory-scale-bench.js';

/** The "Cloud directory at scale" section of docs/benchmarks.md. */
export function renderScale(scale: DirectoryScaleFigures, measuredAt: string): string[] {
  // The target covers lookups; a sign-in's floor is its Argon2id check, shown beside it.
  const misses = scale.cases.filter(
    (row) => !row.name.startsWith('My Account') && row.ferry.p95_ms >= 100,
  );
  return [
    '',
    '## Cloud directory at scale (PostgreSQL)',
    '',
    `Measured ${measuredAt}, on a machine shared with other work (2 cores, several test suites running`,
    `beside it): figures are upper bounds. ${scale.users.toLocaleString('en')} cloud users on PostgreSQL 15,`,
    'seeded once through the store (`bench/scale/seeded-directory.ts`, multi-row INSERTs' +
      (scale.seeded_seconds === null
        ? ', kept from an earlier run)'
        : `, ${scale.seeded_seconds} s this run)`) +
      `; ${scale.samples} operations per row, raw and Ferry alternating one by one:`,
    '- **raw**: the same SQL from the benchmark process through Kysely (the list query of',
    '  `userListQuery`, 50 rows; the UPN lookup of `findUserByUpn`; for sign-in, the lookup and the',
    '  Argon2id check of the password, the floor of any password sign-in).',
    '- **Ferry**: the HTTP API of a cloud process: `GET /api/v1/users?search=…&limit=50` and',
    '  `?after=…` as an admin (session, rights, the methods of the page, the view); `POST',
    '  /api/v1/sspr/start` (proof of work solved beforehand, untimed; flow row, audit row);',
    '  `POST /api/v1/me/sign-in` (lookup, guess counter, Argon2id, session, audit). The seeded',
    '  users have no verification methods, so a known name also ends in decoy gates (after',
    '  reading its methods), as an unknown one does.',
    '',
    '| | raw p50 ms | raw p95 ms | raw p99 ms | Ferry p50 ms | Ferry p95 ms | Ferry p99 ms | plan |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...scale.cases.map(
      (row) =>
        `| ${row.name} | ${row.raw.p50_ms} | ${row.raw.p95_ms} | ${row.raw.p99_ms} | ${row.ferry.p50_ms} | ${row.ferry.p95_ms} | ${row.ferry.p99_ms} | ${row.plan} |`,
    ),
    '',
    misses.length === 0
      ? '- Target (every admin search and SSPR lookup p95 < 100 ms): **holds**.'
      : `- Target (every admin search and SSPR lookup p95 < 100 ms): **missed** by ${misses
          .map((row) => `${row.name} (${(row.ferry.p95_ms - 100).toFixed(0)} ms over)`)
          .join(', ')}; see docs/design/cloud-core.md, "Scale".`,
  ];
}
