import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, upsertSyncedUser, systemClock, systemRandom, type Store } from '@ferry/cloud';
import type { LabAccount, LabState } from '@ferry/lab';
import { Api } from '../../../scripts/support/api.js';
import {
  startProcess,
  type RunningProcess,
  type Runtime,
} from '../../../scripts/support/processes.js';
import { eventually } from './eventually.js';
import { WireTap } from './wire-tap.js';

export const ADMIN_EMAIL = 'admin@ferry.test';

export interface CloudNode {
  readonly process: RunningProcess;
  readonly url: string;
  readonly port: number;
  readonly api: Api;
}

export interface AgentHandle {
  readonly process: RunningProcess;
  readonly agentId: string;
  readonly stateDir: string;
  readonly tap: WireTap | undefined;
  restart(env?: NodeJS.ProcessEnv): Promise<AgentHandle>;
}

export interface FerrySystemOptions {
  readonly lab: LabState;
  readonly databaseUrl?: string;
  readonly operationTimeoutSeconds?: number;
  /** The cloud's per-client request limit (benchmarks send more than a person would). */
  readonly rateLimitPerMinute?: number;
  /** Extra cloud settings (e.g. FERRY_SMTP_URL of a mail catcher, FERRY_SSPR_POW_BITS). */
  readonly cloudEnv?: NodeJS.ProcessEnv;
  /** How long a cloud node may take to listen (a bench on a loaded machine gives more). */
  readonly startTimeoutMs?: number;
  /** tsx from the sources (default, as `npm start`) or the compiled build (as the packages). */
  readonly runtime?: Runtime;
  /** How agents run, when not as the cloud (e.g. the cloud from a package, agents from a tarball). */
  readonly agentRuntime?: Runtime;
}

/**
 * Real processes: cloud node(s) started as `npm start` starts them, agents started as
 * `ferry-agent enroll` + `ferry-agent run` with the lab DC. Synced users are put into the
 * cloud's store directly until the sync engine lands.
 */
export class FerrySystem {
  readonly nodes: CloudNode[] = [];
  readonly agents: AgentHandle[] = [];
  readonly taps: WireTap[] = [];
  /** Every process started, running or not, so stop() leaves none behind after a failure. */
  readonly #started: RunningProcess[] = [];
  readonly adminPassword = `Adm!n-${randomBytes(9).toString('base64url')}`;
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-e2e-cloud-'));
  readonly dataKey = randomBytes(32).toString('base64');
  #store: Store | undefined;

  constructor(readonly options: FerrySystemOptions) {}

  get runtime(): Runtime {
    return this.options.runtime ?? 'tsx';
  }

  get agentRuntime(): Runtime {
    return this.options.agentRuntime ?? this.runtime;
  }

  get api(): Api {
    return this.nodes[0]!.api;
  }

  cloudEnv(): NodeJS.ProcessEnv {
    return {
      FERRY_PORT: '0',
      FERRY_DATA_DIR: this.dataDir,
      FERRY_DATA_KEY: this.dataKey,
      FERRY_LOG_LEVEL: 'info',
      FERRY_OPERATION_TIMEOUT_SECONDS: String(this.options.operationTimeoutSeconds ?? 10),
      FERRY_AGENT_HEARTBEAT_SECONDS: '2',
      // Tests poll the API every 100 ms while processes restart; on a slow machine that alone
      // can reach the default per-client limit, so it is raised unless a test sets its own.
      FERRY_RATE_LIMIT_PER_MINUTE: String(this.options.rateLimitPerMinute ?? 60_000),
      ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : {}),
      ...this.options.cloudEnv,
    };
  }

  /** Starts a cloud node; a fixed `port` lets a test restart a killed node where agents expect it. */
  async startNode(options: { port?: number } = {}): Promise<CloudNode> {
    const env = {
      ...this.cloudEnv(),
      ...(options.port ? { FERRY_PORT: String(options.port) } : {}),
    };
    const process = this.#track(startProcess('packages/cloud/src/main.ts', [], env, this.runtime));
    const [, url] = await process.waitFor(
      /ferry cloud listening on (http:\/\/\S+)/,
      this.options.startTimeoutMs ?? 90_000,
    );
    const api = new Api(url!);
    if (this.nodes.length === 0) await this.#bootstrapAdmin();
    await api.signIn(ADMIN_EMAIL, this.adminPassword);
    const node = { process, url: url!, port: Number(new URL(url!).port), api };
    this.nodes.push(node);
    return node;
  }

  async #bootstrapAdmin(): Promise<void> {
    const file = path.join(this.dataDir, 'bootstrap-password');
    writeFileSync(file, this.adminPassword, { mode: 0o600 });
    const cli = startProcess(
      'packages/cloud/src/cli.ts',
      ['bootstrap-admin', '--email', ADMIN_EMAIL, '--name', 'E2E Admin'],
      {
        ...this.cloudEnv(),
        FERRY_BOOTSTRAP_PASSWORD_FILE: file,
      },
      this.runtime,
    );
    await new Promise<void>((resolve, reject) =>
      cli.child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(cli.output.join('\n'))),
      ),
    );
  }

  agentEnv(stateDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const { lab } = this.options;
    return {
      FERRY_AGENT_STATE_DIR: stateDir,
      FERRY_AGENT_LDAP_URLS: lab.ldapsUrl,
      FERRY_AGENT_LDAP_CA_FILE: lab.caFile,
      FERRY_AGENT_BIND_DN: lab.serviceAccount.dn,
      FERRY_AGENT_BIND_PASSWORD: lab.serviceAccount.password,
      FERRY_AGENT_BASE_DN: lab.baseDn,
      FERRY_AGENT_PASSWORD_WRITEBACK: 'true',
      FERRY_AGENT_LOG_LEVEL: 'info',
      // Tests that sync say so and give a scope; the others put users in the store directly.
      FERRY_AGENT_SYNC: 'false',
      ...extra,
    };
  }

  /** Enrolls and runs an agent; with `tap`, its traffic to the cloud goes through a WireTap. */
  async addAgent(
    options: {
      node?: CloudNode;
      /** Relay through a WireTap; a function gets the tap before the agent first connects. */
      tap?: boolean | ((tap: WireTap) => void);
      env?: NodeJS.ProcessEnv;
    } = {},
  ): Promise<AgentHandle> {
    const node = options.node ?? this.nodes[0]!;
    const tokenAnswer = await node.api.post('/api/v1/agents/enrollment-tokens');
    if (tokenAnswer.status !== 201) throw new Error(`token: ${JSON.stringify(tokenAnswer.json)}`);
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ferry-e2e-agent-'));
    const tokenFile = path.join(stateDir, '..', `${path.basename(stateDir)}.token`);
    writeFileSync(tokenFile, tokenAnswer.json.token, { mode: 0o600 });
    const tap = options.tap ? await WireTap.start(node.port) : undefined;
    if (tap) this.taps.push(tap);
    if (tap && typeof options.tap === 'function') options.tap(tap);
    const cloudUrl = tap ? `http://127.0.0.1:${tap.port}` : node.url;
    const env = this.agentEnv(stateDir, options.env);
    const enroll = startProcess(
      'packages/agent/src/cli/main.ts',
      ['enroll', '--cloud', cloudUrl, '--token-file', tokenFile],
      env,
      this.agentRuntime,
    );
    const [, agentId] = await enroll.waitFor(/enrolled as (\S+)/, 90_000);
    const run = async (extra: NodeJS.ProcessEnv = {}): Promise<AgentHandle> => {
      const process = this.#track(
        startProcess(
          'packages/agent/src/cli/main.ts',
          ['run'],
          { ...env, ...extra },
          this.agentRuntime,
        ),
      );
      await process.waitFor(/agent channel: online/, 90_000);
      const handle: AgentHandle = { process, agentId: agentId!, stateDir, tap, restart: run };
      this.agents.push(handle);
      return handle;
    };
    const handle = await run();
    await this.waitForAgentStatus(agentId!, node);
    return handle;
  }

  /** Waits until the cloud lists the agent online with a status report. */
  async waitForAgentStatus(
    agentId: string,
    node: CloudNode = this.nodes[0]!,
    timeoutMs = 15_000,
  ): Promise<void> {
    await eventually(
      async () => {
        const { json } = await node.api.get('/api/v1/agents');
        const agent = json.items?.find((item: { id: string }) => item.id === agentId);
        return agent?.online === true && agent.directoryReachable === true;
      },
      `agent ${agentId} to come online with a reachable directory`,
      timeoutMs,
    );
  }

  store(): Store {
    this.#store ??= openStore({ databaseUrl: this.options.databaseUrl, dataDir: this.dataDir });
    return this.#store;
  }

  /** The relayed operation that targets this user, if there is one yet. */
  operationFor(objectGUID: string) {
    return this.store()
      .db.selectFrom('operations')
      .selectAll()
      .where('target_json', 'like', `%${objectGUID}%`)
      .executeTakeFirst();
  }

  /** Waits until the cloud has dispatched an operation for this user. */
  async waitForOperation(objectGUID: string, timeoutMs = 15_000): Promise<void> {
    await eventually(
      () => this.operationFor(objectGUID),
      `an operation for ${objectGUID}`,
      timeoutMs,
      50,
    );
  }

  /** Puts a lab user into the cloud directory as the sync engine will. */
  async syncUser(account: LabAccount, objectGUID: string): Promise<string> {
    const tenant = await this.store()
      .db.selectFrom('tenants')
      .select('id')
      .where('is_default', '=', 1)
      .executeTakeFirstOrThrow();
    const row = await upsertSyncedUser(this.store().db, systemClock, systemRandom, tenant.id, {
      sourceAnchor: objectGUID,
      upn: account.userPrincipalName,
      displayName: account.sAMAccountName,
      distinguishedName: account.dn,
      samAccountName: account.sAMAccountName,
      enabled: true,
      lockedOut: false,
      passwordLastSetAt: new Date().toISOString(),
    });
    return row.id;
  }

  #track(process: RunningProcess): RunningProcess {
    this.#started.push(process);
    return process;
  }

  async stop(): Promise<void> {
    for (const process of this.#started) await process.stop();
    for (const tap of this.taps) await tap.close();
    await this.#store?.close();
  }

  /** Everything the processes printed (JSON logs included). */
  logs(): string {
    return [
      ...this.nodes.map((node) => node.process.output),
      ...this.agents.map((agent) => agent.process.output),
    ]
      .flat()
      .join('\n');
  }
}
