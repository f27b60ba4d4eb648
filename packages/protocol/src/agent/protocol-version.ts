/**
 * The agent protocol's version. A peer speaking a version outside the other side's supported
 * range is refused at hello with `protocol_incompatible`, naming both versions.
 */
export const AGENT_PROTOCOL_VERSION = 3;
/**
 * v1 agents claimed after their lookup, with the user's pwdLastSet in the claim; v2 agents
 * have no doctor messages (the cloud never needs them).
 */
export const SUPPORTED_AGENT_PROTOCOL = { min: 1, max: 3 } as const;

export function isSupportedProtocol(version: number): boolean {
  return version >= SUPPORTED_AGENT_PROTOCOL.min && version <= SUPPORTED_AGENT_PROTOCOL.max;
}
