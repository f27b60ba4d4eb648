import { parentPort } from 'node:worker_threads';
import { evaluatePassword, warmUpStrength } from '@ferry/policy';
import { Secret } from '@ferry/protocol';
import type { CheckReply, CheckRequest } from './check-messages.js';

// A thread of the cloud process that scores passwords, so the strength estimator's
// milliseconds of CPU never hold up the event loop's requests and agent messages.
const port = parentPort;
if (!port) throw new Error('the password-check worker runs as a worker thread');

warmUpStrength();
port.on('message', ({ id, password, input }: CheckRequest) => {
  let reply: CheckReply;
  try {
    reply = { id, evaluation: evaluatePassword({ ...input, password: Secret.of(password) }) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
