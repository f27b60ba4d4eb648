import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DcObserver, TimedRequest } from '../directory/timed-client.js';

/** prom-client's gauges named `_total`, which `promtool check metrics` refuses. */
const NOT_LINT_CLEAN = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The `dc` label: host and port of the DC's URL, from the agent's config (bounded). */
export function dcLabel(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
}

/** What the agent's metrics read at scrape time. */
export interface AgentProbes {
  /** This agent's id (one per process: the label of its sync cursor age). */
  readonly agentId: string;
  /** Whether the channel to the cloud is online now. */
  readonly cloudConnected: () => boolean;
  /** When the cloud last acknowledged a sync batch from this agent (undefined: never). */
  readonly lastSyncAck: () => Date | undefined;
  readonly now: () => Date;
}

/**
 * Every Prometheus metric of the agent, in its own registry. Labels are bounded: operation
 * kinds and outcome codes of the protocol, DCs of the config; never users or operation ids.
 * Served on the agent's own metrics listener (off unless `metricsPort` is set).
 */
export class AgentMetrics implements DcObserver {
  readonly registry = new Registry();
  readonly operations = new Counter({
    name: 'ferry_agent_operations_total',
    help: 'Password operations this agent executed, by kind and outcome code.',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: 'ferry_agent_operation_duration_seconds',
    help: 'Time to execute one password operation on the agent (lookup, claim, write), by kind.',
    labelNames: ['kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 30],
    registers: [this.registry],
  });
  readonly ldapDuration = new Histogram({
    name: 'ferry_agent_ldap_request_duration_seconds',
    help: 'LDAP request latency per domain controller and request type.',
    labelNames: ['dc', 'request'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly dcUp = new Gauge({
    name: 'ferry_agent_dc_up',
    help: 'Whether the last connection to the domain controller succeeded (1) or failed (0).',
    labelNames: ['dc'],
    registers: [this.registry],
  });

  constructor(probes: AgentProbes) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ferry_agent_' });
    for (const name of NOT_LINT_CLEAN) this.registry.removeSingleMetric(`ferry_agent_${name}`);
    new Gauge({
      name: 'ferry_agent_cloud_connected',
      help: 'Whether the agent is online with the cloud (1) or not (0).',
      registers: [this.registry],
      collect() {
        this.set(probes.cloudConnected() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ferry_agent_sync_cursor_age_seconds',
      help: 'Seconds since the cloud last accepted a sync batch (the cursor moved) from this agent; absent until it leads a sync.',
      // Labelled so that, unset, it is absent rather than a 0 that would read as "just now".
      labelNames: ['agent'],
      registers: [this.registry],
      collect() {
        this.reset();
        const at = probes.lastSyncAck();
        const age = at && Math.max(0, (probes.now().getTime() - at.getTime()) / 1000);
        if (age !== undefined) this.set({ agent: probes.agentId }, age);
      },
    });
  }

  operation(kind: string, outcome: string, seconds: number): void {
    this.operations.inc({ kind, outcome });
    this.operationDuration.observe({ kind }, seconds);
  }

  reachable(url: string, up: boolean): void {
    this.dcUp.set({ dc: dcLabel(url) }, up ? 1 : 0);
  }

  request(url: string, request: TimedRequest, seconds: number): void {
    this.ldapDuration.observe({ dc: dcLabel(url), request }, seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
