/** Process exit codes of the cloud's commands (sysexits.h where one fits). */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 64,
  /** The store is newer than this node, or a backup is damaged. */
  dataError: 65,
  /** A file the command needs cannot be read or written. */
  cannotCreate: 73,
  configInvalid: 78,
} as const;
