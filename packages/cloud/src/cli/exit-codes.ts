/** Process exit codes of the cloud's commands (sysexits.h where one fits). */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 64,
  configInvalid: 78,
} as const;
