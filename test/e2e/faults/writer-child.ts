/**
 * One agent's write path in its own process, for the fault suite: the real AdConnector with
 * the lab's service account, driven over IPC. `look` resolves the user (the lookup a write is
 * conditional on) and keeps it; `write` sends the guarded reset from that lookup and answers
 * with the outcome. The parent kills this process (SIGKILL) at seeded points of a write.
 */
import { requireLabState } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import type { ResolvedUser } from '@ferry/agent';
import { labConnector } from '../../../scripts/support/lab-connector.js';

export type WriterRequest =
  | { readonly type: 'look'; readonly job: string; readonly sAMAccountName: string }
  | {
      readonly type: 'write';
      readonly job: string;
      readonly operationId: string;
      readonly notAfter: string;
      readonly password: string;
      /** A retry after a lost attempt (the cloud sent the lost agent's stamp). */
      readonly afterLostAttempt: boolean;
    };

export type WriterReply =
  | { readonly type: 'ready' }
  | { readonly type: 'looked'; readonly job: string; readonly ok: boolean }
  | { readonly type: 'sending'; readonly job: string }
  | { readonly type: 'outcome'; readonly job: string; readonly code: string };

const connector = labConnector(await requireLabState());
const looked = new Map<string, ResolvedUser>();
const reply = (message: WriterReply): void => {
  process.send?.(message);
};

process.on('message', (message: WriterRequest) => {
  void (async () => {
    if (message.type === 'look') {
      const found = await connector.resolveUser({
        by: 'sAMAccountName',
        value: message.sAMAccountName,
      });
      if (found.ok) looked.set(message.job, found);
      reply({ type: 'looked', job: message.job, ok: found.ok });
      return;
    }
    const target = looked.get(message.job);
    if (!target) throw new Error(`write before look: ${message.job}`);
    reply({ type: 'sending', job: message.job });
    const outcome = await connector.reset(
      target,
      Secret.of(message.password),
      { initiator: 'admin' },
      {
        operationId: message.operationId,
        notAfter: new Date(message.notAfter),
        afterLostAttempt: message.afterLostAttempt,
      },
    );
    looked.delete(message.job);
    reply({ type: 'outcome', job: message.job, code: outcome.code });
  })();
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
