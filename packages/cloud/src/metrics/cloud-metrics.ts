import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) of a password operation: a user waits for it. */
const OPERATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
/** Latency buckets (seconds) of one store query. */
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** prom-client's gauges named `_total`, which `promtool check metrics` refuses (a gauge's name
 * must not say counter); the per-type gauges beside them say the same. */
const NOT_LINT_CLEAN = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The statement of a query, for its label: select/insert/update/delete/other (bounded). */
export function statementOf(sqlText: string): string {
  const verb = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sqlText)?.[1]?.toLowerCase();
  return verb === 'select' || verb === 'insert' || verb === 'update' || verb === 'delete'
    ? verb
    : 'other';
}

/**
 * Every Prometheus metric of one cloud process, in its own registry (tests run several clouds
 * in one process). Labels are bounded: route templates, operation kinds, outcome and error
 * codes from the registries, tenant ids; never user names or operation ids. docs/operations.md
 * lists them; deploy/grafana/ferry.json charts them.
 */
export class CloudMetrics {
  readonly registry = new Registry();

  readonly httpRequests = this.#counter(
    'ferry_cloud_http_requests_total',
    'HTTP requests by route template, method and status.',
    ['method', 'route', 'status'],
  );
  readonly httpDuration = new Histogram({
    name: 'ferry_cloud_http_request_duration_seconds',
    help: 'HTTP request duration by route template.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  /** Requests answered with a registry error code (rate_limited, sign_in_locked, ...). */
  readonly refusals = this.#counter(
    'ferry_cloud_http_refusals_total',
    'HTTP requests refused, by error code of the registry (docs/errors.md).',
    ['code'],
  );

  readonly writebacks = this.#counter(
    'ferry_cloud_writeback_operations_total',
    'Password operations relayed to agents, by kind and outcome code.',
    ['kind', 'outcome'],
  );
  readonly writebackDuration = new Histogram({
    name: 'ferry_cloud_writeback_duration_seconds',
    help: 'Time from submission to outcome of a relayed password operation, by kind.',
    labelNames: ['kind'],
    buckets: OPERATION_BUCKETS,
    registers: [this.registry],
  });

  readonly syncBatches = this.#counter(
    'ferry_cloud_sync_batches_total',
    'Sync batches received from the leading agent, by mode and verdict (applied, cursor_mismatch, not_leader, delete_threshold).',
    ['mode', 'verdict'],
  );
  readonly syncRunDuration = new Histogram({
    name: 'ferry_cloud_sync_run_duration_seconds',
    help: 'Duration of finished sync runs (first batch to last), by mode.',
    labelNames: ['mode'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly syncRunUsers = new Histogram({
    name: 'ferry_cloud_sync_run_users',
    help: 'Users added, updated or deleted by a finished sync run, by mode.',
    labelNames: ['mode'],
    buckets: [1, 10, 100, 1_000, 10_000, 100_000],
    registers: [this.registry],
  });
  /** Seconds since the epoch of the last batch this node applied, per tenant. */
  readonly #lastBatch = new Map<string, number>();

  readonly ssprSteps = this.#counter(
    'ferry_cloud_sspr_steps_total',
    'Self-service password reset steps, by step and outcome (ok or the error code).',
    ['step', 'outcome'],
  );
  readonly throttled = this.#counter(
    'ferry_cloud_throttled_total',
    'Attempts refused by a per-user throttle (SSPR codes and resets, method registration), by scope.',
    ['scope'],
  );
  /** For a throttle: counts one refused attempt of `scope`. */
  readonly onThrottled = (scope: string): void => this.throttled.inc({ scope });
  readonly lockouts = this.#counter(
    'ferry_cloud_lockouts_total',
    'Accounts locked after too many wrong passwords, by the audit action that recorded it.',
    ['action'],
  );

  readonly queryDuration = new Histogram({
    name: 'ferry_cloud_store_query_duration_seconds',
    help: 'Store (SQLite or PostgreSQL) query duration, by statement.',
    labelNames: ['statement'],
    buckets: QUERY_BUCKETS,
    registers: [this.registry],
  });
  readonly queryErrors = this.#counter(
    'ferry_cloud_store_query_errors_total',
    'Store queries that failed, by statement.',
    ['statement'],
  );

  constructor(now: () => Date) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ferry_cloud_' });
    for (const name of NOT_LINT_CLEAN) this.registry.removeSingleMetric(`ferry_cloud_${name}`);
    const lastBatch = this.#lastBatch;
    new Gauge({
      name: 'ferry_cloud_sync_last_batch_age_seconds',
      help: 'Seconds since this node applied the last sync batch of a tenant (an idle directory still sends an empty batch every poll).',
      labelNames: ['tenant'],
      registers: [this.registry],
      collect() {
        this.reset();
        const seconds = now().getTime() / 1000;
        for (const [tenant, at] of lastBatch) this.set({ tenant }, Math.max(0, seconds - at));
      },
    });
  }

  writeback(kind: string, outcome: string, seconds: number): void {
    this.writebacks.inc({ kind, outcome });
    this.writebackDuration.observe({ kind }, seconds);
  }

  syncBatch(tenant: string, mode: string, verdict: string, at: Date): void {
    this.syncBatches.inc({ mode, verdict });
    if (verdict === 'applied') this.#lastBatch.set(tenant, at.getTime() / 1000);
  }

  syncRun(mode: string, seconds: number, users: number): void {
    this.syncRunDuration.observe({ mode }, seconds);
    this.syncRunUsers.observe({ mode }, users);
  }

  query(sqlText: string, seconds: number, failed: boolean): void {
    const statement = statementOf(sqlText);
    this.queryDuration.observe({ statement }, seconds);
    if (failed) this.queryErrors.inc({ statement });
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
