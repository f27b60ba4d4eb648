/** The agent's version, reported to the cloud at hello. */
export const AGENT_VERSION = '0.1.0';
