import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Secret } from '@ferry/protocol';
import { loadEnrollmentConfig } from '../config/agent-config.js';
import { isEnrolled, statePaths } from '../state/agent-state.js';
import { enroll } from '../state/enroll.js';
import { COMMON_HELP, commandEnv, parseCommandArgs, type AgentCommand } from './command.js';
import { UsageError } from './usage-error.js';

export const enrollCommand: AgentCommand = {
  name: 'enroll',
  summary: 'register this agent with the cloud (one-time token from the Admin center)',
  help: `usage: ferry-agent enroll --cloud URL (--token-file FILE | --token TOKEN) [--name NAME] [--ca-file FILE]
Registers this agent with the cloud using a one-time enrollment token (Admin center,
On-premises page), and keeps its keys in the state folder. Needs no directory settings.
  --cloud URL        the cloud's address (https://...)
  --token-file FILE  file holding the enrollment token (or --token, or FERRY_AGENT_ENROLL_TOKEN)
  --name NAME        the agent's name in the Admin center (default: this host's name)
  --ca-file FILE     PEM of the CA that signed the cloud's certificate (default: the
                     cloudCaFile setting, FERRY_AGENT_CLOUD_CA_FILE, else the system store)
${COMMON_HELP}`,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      cloud: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      name: { type: 'string' },
      'ca-file': { type: 'string' },
    });
    if (!values.cloud || !/^https?:\/\//.test(values.cloud))
      throw new UsageError('--cloud needs an http(s) URL');
    const tokenText = values['token-file']
      ? readFileSync(values['token-file'], 'utf8').trim()
      : (values.token ?? process.env['FERRY_AGENT_ENROLL_TOKEN']);
    if (!tokenText)
      throw new UsageError('--token-file, --token or FERRY_AGENT_ENROLL_TOKEN is needed');
    const name = values.name ?? hostname();
    if (name.length < 1 || name.length > 128)
      throw new UsageError('--name must be 1 to 128 characters');
    const settings = loadEnrollmentConfig(commandEnv(values));
    const caFile = values['ca-file'] ?? settings.cloudCaFile;
    const ca = caFile ? readCaFile(caFile) : undefined;
    const paths = statePaths(settings.stateDir);
    if (isEnrolled(paths))
      throw new UsageError(
        `already enrolled (${paths.identity}); remove the state folder to enroll again`,
      );
    const identity = await enroll({
      cloudUrl: values.cloud,
      token: Secret.of(tokenText),
      name,
      paths,
      ca,
    });
    console.log(
      `ferry agent enrolled as ${identity.agentId} (tenant ${identity.tenantId}); state in ${paths.dir}`,
    );
  },
};

function readCaFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`--ca-file ${file}: ${(error as Error).message}`);
  }
}
