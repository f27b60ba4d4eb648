import { createServer } from 'node:net';
import { labClient, labUp, passwordWriteCount, type LabAccount } from '@ferry/lab';
import type { Client } from 'ldapts';
import { openLab, type LabFixture } from '../../../packages/agent/test/support/lab.js';
import { postgresBackend } from '../../../packages/cloud/test/helpers/backends.js';
import { labPaths } from '../../../packages/lab/src/lab-layout.js';
import { runningLabPid } from '../../../packages/lab/src/samba-process.js';
import { FerrySystem, type AgentHandle, type CloudNode } from '../support/ferry-system.js';
import { syncedLabUser, type SyncedLabUser } from '../support/synced-lab-user.js';

/** A free TCP port on 127.0.0.1, so a killed node can be started again where its agent dials. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The whole system as it runs in production, for fault injection: two cloud nodes on one
 * PostgreSQL, two agents active-active (agent i dials node i), the lab DC, synced lab users.
 * Every process is real and can be killed with SIGKILL and started again where it was.
 */
export class FaultCluster {
  readonly nodes: CloudNode[] = [];
  readonly agents: AgentHandle[] = [];
  readonly users: SyncedLabUser[] = [];
  #ports: number[] = [];
  #counter: Client | undefined;

  private constructor(
    readonly lab: LabFixture,
    readonly system: FerrySystem,
    private readonly destroyStore: () => Promise<void>,
  ) {}

  static async start(options: { users: number; operationTimeoutSeconds: number }) {
    const lab = await openLab();
    const store = await postgresBackend.create();
    const system = new FerrySystem({
      lab: lab.state,
      databaseUrl: store.databaseUrl!,
      operationTimeoutSeconds: options.operationTimeoutSeconds,
      runtime: process.env['FERRY_FAULT_RUNTIME'] === 'tsx' ? 'tsx' : 'compiled',
    });
    const cluster = new FaultCluster(lab, system, store.destroy);
    for (let index = 0; index < 2; index += 1) {
      cluster.#ports.push(await freePort());
      cluster.nodes.push(await system.startNode({ port: cluster.#ports[index]! }));
    }
    for (const node of cluster.nodes) cluster.agents.push(await system.addAgent({ node }));
    for (let index = 0; index < options.users; index += 1) {
      cluster.users.push(await syncedLabUser(lab, system));
    }
    return cluster;
  }

  /** The unicodePwd write counter of a user (replPropertyMetaData version) on the lab DC. */
  async writes(account: LabAccount, retry = true): Promise<number> {
    if (!this.#counter) {
      const client = labClient(this.lab.state.ldapsUrl, this.lab.state.caFile);
      await client.bind(this.lab.state.admin.dn, this.lab.state.admin.password);
      this.#counter = client;
    }
    try {
      return await passwordWriteCount(this.#counter, account.dn);
    } catch (error) {
      // A connection from before a DC restart: read again on a new one.
      await this.#counter.unbind().catch(() => undefined);
      this.#counter = undefined;
      if (!retry) throw error;
      return this.writes(account, false);
    }
  }

  async killAgent(index: number): Promise<void> {
    await this.agents[index]!.process.kill();
  }

  async restartAgent(index: number): Promise<void> {
    this.agents[index] = await this.agents[index]!.restart();
  }

  async killNode(index: number): Promise<void> {
    await this.nodes[index]!.process.kill();
  }

  /** Starts a killed node again on its port; its agent reconnects by itself. */
  async restartNode(index: number): Promise<void> {
    this.nodes[index] = await this.system.startNode({ port: this.#ports[index]! });
    await this.system.waitForAgentStatus(this.agents[index]!.agentId, this.nodes[index], 60_000);
  }

  /** SIGKILL to the lab's samba process group (every samba process, as a power cut). */
  killDc(): void {
    const pid = runningLabPid(labPaths());
    if (pid === undefined) throw new Error('the lab DC is not running');
    process.kill(-pid, 'SIGKILL');
  }

  /** Starts the lab DC again (as `npm run lab -- up` does) and waits for LDAPS. */
  async restartDc(): Promise<void> {
    await labUp(() => undefined);
    await this.#counter?.unbind().catch(() => undefined);
    this.#counter = undefined;
    for (const agent of this.agents) {
      for (const node of this.nodes) await this.system.waitForAgentStatus(agent.agentId, node);
    }
  }

  /** Waits until both agents are online with a reachable DC, as both nodes see them. */
  async settled(): Promise<void> {
    for (const agent of this.agents) {
      for (const node of this.nodes) {
        await this.system.waitForAgentStatus(agent.agentId, node, 60_000);
      }
    }
  }

  async stop(): Promise<void> {
    await this.system.stop();
    await this.#counter?.unbind().catch(() => undefined);
    await this.destroyStore();
    // The fixture's admin connection may have died with a killed DC: bind again to clean up.
    await this.lab.admin.bind(this.lab.state.admin.dn, this.lab.state.admin.password);
    await this.lab.close();
  }
}
