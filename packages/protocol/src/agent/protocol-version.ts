/**
 * The agent protocol's version. A peer speaking a version outside the other side's supported
 * range is refused at hello with `protocol_incompatible`, naming both versions.
 */
export const AGENT_PROTOCOL_VERSION = 4;
/**
 * v1 agents claimed after their lookup, with the user's pwdLastSet in the claim; v2 agents
 * have no doctor messages (the cloud never needs them); v3 agents do not know the `fence`
 * operation (ADR 0016): its schema refuses the kind, so they answer `operation_rejected` and
 * the cloud tells its caller `outcome_unknown`, as before fences.
 */
export const SUPPORTED_AGENT_PROTOCOL = { min: 1, max: 4 } as const;

export function isSupportedProtocol(version: number): boolean {
  return version >= SUPPORTED_AGENT_PROTOCOL.min && version <= SUPPORTED_AGENT_PROTOCOL.max;
}
