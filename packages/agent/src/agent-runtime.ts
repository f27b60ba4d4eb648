import { readFileSync } from 'node:fs';
import type { AgentStatus } from '@ferry/protocol';
import type { Logger } from 'pino';
import { directoryConfigOf, syncFilterOf, type AgentConfig } from './config/agent-config.js';
import { AdConnector } from './directory/ad/ad-connector.js';
import { createDirectoryConnector } from './directory/create-connector.js';
import type { OpenLdapConnector } from './directory/openldap/openldap-connector.js';
import { systemClock, type Clock } from './directory/dc-endpoints.js';
import { loadEnrollment, statePaths } from './state/agent-state.js';
import { OperationJournal } from './state/operation-journal.js';
import { AgentChannel } from './transport/agent-channel.js';
import { OperationExecutor } from './writeback/operation-executor.js';
import { SyncCoordinator } from './sync/sync-coordinator.js';
import { SyncReader } from './sync/sync-reader.js';
import { ControlServer } from './control/control-server.js';
import { DoctorReporter } from './doctor/doctor-reporter.js';
import { startMetricsListener, type MetricsListener } from '@ferry/config';
import { AgentMetrics } from './metrics/agent-metrics.js';

export interface AgentRuntime {
  readonly channel: AgentChannel;
  readonly connector: AdConnector | OpenLdapConnector;
  readonly agentId: string;
  readonly metrics: AgentMetrics;
  /** Base URL of the metrics listener; undefined when it is off (the default). */
  readonly metricsUrl: string | undefined;
  stop(): Promise<void>;
}

/** Wires an enrolled agent: directory connector, journal, executor and the cloud channel. */
export async function startAgent(
  config: AgentConfig,
  log: Logger,
  options: { readonly clock?: Clock; readonly cloudCaFile?: string } = {},
): Promise<AgentRuntime> {
  const paths = statePaths(config.stateDir);
  const { identity, keys } = await loadEnrollment(paths);
  const clock = options.clock ?? systemClock;
  // The executor asks the channel for claims and the channel feeds the executor.
  const link: { channel?: AgentChannel; sync?: SyncCoordinator | undefined } = {};
  const metrics = new AgentMetrics({
    agentId: identity.agentId,
    cloudConnected: () => link.channel?.state === 'online',
    lastSyncAck: () => link.sync?.lastAck,
    now: () => clock.now(),
  });
  const connector = createDirectoryConnector(directoryConfigOf(config), clock, metrics);
  const journal = new OperationJournal(paths.journal);
  const executor = new OperationExecutor({
    connector,
    journal,
    decryptionKeys: () => link.channel?.keys.decryption ?? keys.decryption,
    passwordWritebackEnabled: () => config.passwordWriteback,
    accountUnlockEnabled: () => config.accountUnlock,
    clock,
    claim: (operationId) => link.channel?.claim(operationId) ?? Promise.resolve(undefined),
    announceWrite: (operationId, stamp) => link.channel?.announceWrite(operationId, stamp),
    isConnected: (connection) => link.channel?.isConnected(connection) ?? false,
    metrics,
  });
  const status = async (): Promise<AgentStatus> => {
    try {
      const dse = await connector.rootDse();
      const policy = await connector.domainPolicy();
      const fineGrainedPolicies =
        connector instanceof AdConnector ? await connector.countFineGrainedPolicies() : undefined;
      return {
        directoryReachable: true,
        passwordWritebackEnabled: config.passwordWriteback,
        ...(dse.dnsHostName ? { domainController: dse.dnsHostName } : {}),
        policy,
        ...(fineGrainedPolicies === undefined ? {} : { fineGrainedPolicies }),
      };
    } catch (error) {
      return {
        directoryReachable: false,
        passwordWritebackEnabled: config.passwordWriteback,
        problem: (error as Error).message.slice(0, 2000),
      };
    }
  };
  const channel = new AgentChannel({
    identity,
    keys,
    paths,
    executor,
    status,
    log,
    caFile: options.cloudCaFile ? readFileSync(options.cloudCaFile) : undefined,
  });
  link.channel = channel;
  const doctor = new DoctorReporter(config, channel, log);
  doctor.start();
  channel.start();
  const sync = config.sync
    ? new SyncCoordinator(
        new SyncReader(
          connector,
          {
            includeOus: config.syncIncludeOus,
            excludeOus: config.syncExcludeOus,
            batchSize: config.syncBatchSize,
            usnPollMs: config.syncUsnPollMs,
            accesslogDn: config.syncAccesslogDn,
            ...syncFilterOption(config),
          },
          { directory: directoryConfigOf(config) },
        ),
        channel,
        log,
        5_000,
      )
    : undefined;
  link.sync = sync;
  sync?.start();
  const control = new ControlServer({
    socketPath: paths.controlSocket,
    agentId: identity.agentId,
    channel,
    sync,
    log,
  });
  // The CLI's sync commands need it; the agent's real work does not.
  await control
    .start()
    .catch((error: Error) =>
      log.warn(
        { reason: error.message },
        'control socket unavailable; sync commands will not reach this agent',
      ),
    );
  const metricsListener: MetricsListener | undefined =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsListener({
          host: config.metricsHost,
          port: config.metricsPort,
          token: config.metricsToken,
          render: () => metrics.render(),
        });
  if (metricsListener) log.info({ url: metricsListener.url }, 'metrics listening');
  return {
    channel,
    connector,
    agentId: identity.agentId,
    metrics,
    metricsUrl: metricsListener?.url,
    async stop() {
      await metricsListener?.close();
      await control.stop();
      await doctor.stop();
      await sync?.stop();
      await channel.stop();
      await connector.close();
      journal.close();
    },
  };
}

function syncFilterOption(config: AgentConfig): { filter?: string } {
  const filter = syncFilterOf(config);
  return filter ? { filter } : {};
}
