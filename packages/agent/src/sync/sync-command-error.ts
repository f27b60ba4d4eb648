/** Why an operator's sync command (CLI) could not be carried out, with a stable code. */
export type SyncCommandCode =
  | 'not_leader'
  | 'sync_disabled'
  | 'busy'
  | 'cloud_unreachable'
  | 'delete_threshold'
  | 'run_failed'
  | 'agent_stopping';

export class SyncCommandError extends Error {
  constructor(
    readonly code: SyncCommandCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncCommandError';
  }
}
