import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';

/**
 * `ferry_cloud_agents_online{tenant}`: the agents of each tenant the relay would hand work to
 * now (active, connected to a node, heard from within three heartbeats), read from the store
 * at scrape time, so every node reports the deployment's count; 0 for a tenant with none.
 */
export function registerAgentsOnline(
  registry: Registry,
  input: { readonly db: Kysely<Database>; readonly clock: Clock; readonly staleMs: number },
): void {
  new Gauge({
    name: 'ferry_cloud_agents_online',
    help: 'Agents online per tenant (active, connected, heard from within three heartbeats).',
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      const since = new Date(input.clock.now().getTime() - input.staleMs).toISOString();
      const rows = await input.db
        .selectFrom('tenants')
        .leftJoin('agents', (join) =>
          join
            .onRef('agents.tenant_id', '=', 'tenants.id')
            .on('agents.status', '=', 'active')
            .on('agents.node_id', 'is not', null)
            .on('agents.last_seen_at', '>=', since),
        )
        .select((eb) => [
          'tenants.id as tenant',
          eb.fn.count<number | string>('agents.id').as('online'),
        ])
        .groupBy('tenants.id')
        .execute();
      this.reset();
      for (const row of rows) this.set({ tenant: row.tenant }, Number(row.online));
    },
  });
}
