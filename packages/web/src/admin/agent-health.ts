import type { AgentView } from '../api/types';

export type IntegrationStatus = 'up' | 'down' | 'none' | 'agentOff';

/**
 * The blade's one-line status, as Entra's "On-premises integration" shows it: up when an
 * active agent is online with its directory reachable; down when agents are enrolled but
 * none is (a disabled agent counts: it is configured, and refused); not configured when no
 * agent is enrolled.
 */
export function integrationStatus(agents: readonly AgentView[]): IntegrationStatus {
  if (agents.length === 0) return 'none';
  const active = agents.filter((agent) => agent.status === 'active');
  const healthy = active.filter((agent) => agent.online && agent.directoryReachable === true);
  if (healthy.length === 0) return 'down';
  if (healthy.every((agent) => agent.passwordWritebackEnabled === false)) return 'agentOff';
  return 'up';
}
