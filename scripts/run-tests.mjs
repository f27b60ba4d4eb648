#!/usr/bin/env node
// Runs Ferry's tests with Node's own test runner (TypeScript through tsx, workspace
// packages resolved to their sources). Four tiers (docs/architecture.md, "Tests"):
//   unit         packages/*/src/**/*.test.ts  in-process, nothing external
//   integration  packages/*/test/**/*.test.ts  real PostgreSQL, SQLite files, the lab DC
//   e2e          test/e2e/**/*.test.ts         cloud + agent processes + the lab
//   browser      test/browser/*.test.ts        the same, driven from Chromium
// `all` runs every tier in lanes side by side. Files that share a lab DC (and its fixture users)
// run one at a time within a lab lane. The first lab lane uses the lab `npm test` started; as
// root, a second lab lane gets a lab of its own in a network namespace
// (scripts/peers/lab-lane.sh: its own PostgreSQL, Samba AD and OpenLDAP on the same ports) and
// takes the browser tier and the fault suites (which restart PostgreSQL: only its own). The
// files that touch no directory (unit tests, and the cloud's tests, each on its own fresh
// database) run in a third lane. The first lane prints as it goes; the others print whole at
// the end. FERRY_TEST_LAB_LANES=1 keeps every lab file in the first lane.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tier = process.argv[2] ?? 'all';
const filter = process.argv[3];

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const packageDirs = readdirSync(path.join(root, 'packages')).map((name) =>
  path.join(root, 'packages', name),
);
const tiers = {
  unit: packageDirs.flatMap((dir) => walk(path.join(dir, 'src'))),
  integration: packageDirs.flatMap((dir) => walk(path.join(dir, 'test'))),
  e2e: walk(path.join(root, 'test', 'e2e')),
  browser: walk(path.join(root, 'test', 'browser')),
};
/** Integration files that never reach the lab DC: the cloud's own tests. */
const directoryFree = (file) => file.startsWith(path.join(root, 'packages', 'cloud', 'test'));
/** Lab files the second lab lane takes: the browser tier and the fault suites. */
const secondLab = (file) =>
  file.startsWith(path.join(root, 'test', 'browser')) || file.endsWith('-faults.test.ts');
const LANE_NAMESPACE = 'ferry-test-lab-b';
const LANE_DIR = path.join(tmpdir(), 'ferry-test-lab-b');

function select(files) {
  return files.filter((file) => !filter || file.includes(filter)).sort();
}

/** The runner's closing counters (`ℹ tests 12`, `ℹ pass 12`, …), summed over every run. */
const totals = new Map();
function countSummary(text) {
  for (const match of text.matchAll(
    /^ℹ (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm,
  )) {
    totals.set(match[1], (totals.get(match[1]) ?? 0) + Number(match[2]));
  }
}

/** One `node --test` run over `files`; its output goes to `sink`; resolves with its status. */
function runFiles(files, concurrency, sink = (chunk) => process.stdout.write(chunk), prefix = []) {
  if (files.length === 0) return Promise.resolve(0);
  const command = [
    ...prefix,
    process.execPath,
    '--conditions=ferry-source',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...files.map((file) => path.relative(root, file)),
  ];
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let tail = '';
  const take = (chunk) => {
    sink(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      countSummary(tail);
      resolve(status ?? 1);
    }),
  );
}

/** Runs steps one after another; a lane's status is its first failure, or 0. */
async function lane(steps, sink, prefix) {
  let status = 0;
  for (const [files, concurrency] of steps) {
    const result = await runFiles(files, concurrency, sink, prefix);
    if (status === 0) status = result;
  }
  return status;
}

async function main() {
  if (tier !== 'all') {
    const files = tiers[tier];
    if (!files) {
      console.error(`usage: run-tests.mjs unit|integration|e2e|browser|all [filter]`);
      return 2;
    }
    const selected = select(files);
    if (selected.length === 0) {
      console.error(`no test files for tier "${tier}"${filter ? ` matching "${filter}"` : ''}`);
      return 1;
    }
    return runFiles(selected, tier === 'unit' ? 2 : 1);
  }
  const unit = select(tiers.unit);
  const cloud = select(tiers.integration.filter(directoryFree));
  const allLab = select([
    ...tiers.integration.filter((file) => !directoryFree(file)),
    ...tiers.e2e,
    ...tiers.browser,
  ]);
  const twoLabs =
    process.getuid?.() === 0 &&
    process.env['FERRY_TEST_LAB_LANES'] !== '1' &&
    allLab.some(secondLab) &&
    spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
  const lab = twoLabs ? allLab.filter((file) => !secondLab(file)) : allLab;
  const labB = twoLabs ? allLab.filter(secondLab) : [];
  if (unit.length + cloud.length + allLab.length === 0) {
    console.error(`no test files${filter ? ` matching "${filter}"` : ''}`);
    return 1;
  }
  const sideOutput = [];
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
  const side = lane(
    [
      [unit, 2],
      [cloud, 1],
    ],
    (chunk) => sideOutput.push(chunk),
  ).then((status) => ({ status, at: seconds() }));
  const secondOutput = [];
  const second = (labB.length === 0 ? Promise.resolve(0) : secondLabLane(labB, secondOutput)).then(
    (status) => ({ status, at: seconds() }),
  );
  const labStatus = await lane([[lab, 1]]);
  const labAt = seconds();
  const { status: sideStatus, at: sideAt } = await side;
  const { status: secondStatus, at: secondAt } = await second;
  console.log(`\n── directory-free lane (unit + packages/cloud/test), ended at ${sideAt} s ──\n`);
  process.stdout.write(Buffer.concat(sideOutput));
  if (labB.length > 0) {
    console.log(`\n── second lab lane (${LANE_NAMESPACE}), ended at ${secondAt} s ──\n`);
    process.stdout.write(Buffer.concat(secondOutput));
  }
  const verdict = (status) => (status === 0 ? 'passed' : 'FAILED');
  console.log(
    `\nlanes: lab ${verdict(labStatus)} (${lab.length} files, ${labAt} s), ` +
      (labB.length > 0
        ? `second lab ${verdict(secondStatus)} (${labB.length} files, ${secondAt} s), `
        : '') +
      `directory-free ${verdict(sideStatus)} ` +
      `(${unit.length + cloud.length} files, ${sideAt} s); all lanes together:`,
  );
  for (const [name, count] of totals) console.log(`ℹ ${name} ${count}`);
  return [labStatus, secondStatus, sideStatus].find((status) => status !== 0) ?? 0;
}

/** Starts the second lab, runs `files` inside its namespace, and always takes it down again. */
async function secondLabLane(files, output) {
  const script = path.join(root, 'scripts', 'peers', 'lab-lane.sh');
  const setup = await new Promise((resolve) => {
    const child = spawn('bash', [script, 'up', LANE_NAMESPACE, LANE_DIR], { cwd: root });
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (status) => resolve(status ?? 1));
  });
  try {
    if (setup !== 0) {
      output.push(Buffer.from(`second lab lane: lab-lane.sh up exited with ${setup}\n`));
      return setup;
    }
    const prefix = [
      'ip',
      'netns',
      'exec',
      LANE_NAMESPACE,
      'env',
      `FERRY_LAB_DIR=${path.join(LANE_DIR, 'lab')}`,
    ];
    return await lane([[files, 1]], (chunk) => output.push(chunk), prefix);
  } finally {
    spawnSync('bash', [script, 'down', LANE_NAMESPACE, LANE_DIR], { stdio: 'ignore' });
  }
}

process.exit(await main());
