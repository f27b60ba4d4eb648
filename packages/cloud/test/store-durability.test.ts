import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../src/store/connect.js';

async function synchronousLevel(sqliteSynchronous?: 'normal' | 'full'): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-store-'));
  const store = openStore({ dataDir, ...(sqliteSynchronous ? { sqliteSynchronous } : {}) });
  try {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
    return rows[0]!.synchronous;
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('the embedded store commits without an fsync each (WAL + NORMAL) unless told full', async () => {
  // SQLite's codes: 1 = NORMAL, 2 = FULL.
  assert.equal(await synchronousLevel(), 1);
  assert.equal(await synchronousLevel('normal'), 1);
  assert.equal(await synchronousLevel('full'), 2);
});
