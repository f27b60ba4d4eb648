import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnattendedPrompter } from './prompter.js';
import { SetupError } from './setup-error.js';

test('--yes: a question without a flag or a default is an error naming the flag', async () => {
  const prompter = new UnattendedPrompter(() => undefined);
  await assert.rejects(
    prompter.ask('Service account DN', { flag: '--bind-dn' }),
    (error: unknown) =>
      error instanceof SetupError &&
      error.code === 'answer_missing' &&
      /--bind-dn/.test(error.message),
  );
  assert.equal(await prompter.ask('Base DN', { flag: '--base-dn', default: 'DC=x' }), 'DC=x');
  await assert.rejects(
    prompter.ask('Base DN', { flag: '--base-dn', default: 'x', validate: () => 'no such entry' }),
    /--base-dn: no such entry/,
  );
});

test('--yes: confirmations take their unattended answer, checklists their ticks as given', async () => {
  const said: string[] = [];
  const prompter = new UnattendedPrompter((text) => said.push(text));
  assert.equal(await prompter.confirm('Is this the certificate?', false, true), true);
  assert.equal(await prompter.confirm('Install the service?', false), false);
  const ticks = await prompter.checklist('Optional features:', [
    { label: 'Password writeback', checked: true },
    { label: 'Unlock', checked: false },
  ]);
  assert.deepEqual(ticks, [true, false]);
  assert.match(said.join('\n'), /\[x\] 1\. Password writeback\n {2}\[ \] 2\. Unlock/);
});
