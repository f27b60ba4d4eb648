import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { withStatementCache } from './statement-cache.js';

function counted(): { file: SQLite.Database; prepares: () => number } {
  const file = new SQLite(':memory:');
  let count = 0;
  const prepare = file.prepare.bind(file);
  file.prepare = ((sql: string) => {
    count += 1;
    return prepare(sql);
  }) as typeof file.prepare;
  return { file, prepares: () => count };
}

test('a statement is prepared once per SQL text and reused', () => {
  const { file, prepares } = counted();
  const database = withStatementCache(file);
  database.prepare('create table t (v integer)').run([]);
  const insert = 'insert into t (v) values (?)';
  for (let value = 0; value < 5; value += 1) database.prepare(insert).run([value]);
  assert.equal(prepares(), 2);
  assert.deepEqual(database.prepare('select count(*) as n from t').all([]), [{ n: 5 }]);
  database.close();
});

test('a statement still iterating is not handed out again: a fresh one runs instead', () => {
  const { file } = counted();
  const database = withStatementCache(file);
  database.prepare('create table t (v integer)').run([]);
  for (let value = 0; value < 3; value += 1)
    database.prepare('insert into t (v) values (?)').run([value]);
  const select = 'select v from t order by v';
  const streaming = database.prepare(select).iterate([]);
  assert.deepEqual(streaming.next().value, { v: 0 });
  assert.deepEqual(database.prepare(select).all([]), [{ v: 0 }, { v: 1 }, { v: 2 }]);
  assert.deepEqual([...streaming], [{ v: 1 }, { v: 2 }]);
  database.close();
});

test('a kept statement still runs after the schema changed under it', () => {
  const database = withStatementCache(new SQLite(':memory:'));
  database.prepare('create table t (v integer)').run([]);
  database.prepare('insert into t (v) values (?)').run([1]);
  const select = 'select * from t';
  assert.deepEqual(database.prepare(select).all([]), [{ v: 1 }]);
  database.prepare('alter table t add column w text').run([]);
  assert.deepEqual(database.prepare(select).all([]), [{ v: 1, w: null }]);
  database.close();
});
