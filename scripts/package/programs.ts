// What each Ferry program ships as: its Debian package, command, unit, config and state folder.
import { agentConfigSchema } from '@ferry/agent';
import { configSchema } from '@ferry/cloud';
import { renderConfigYaml } from '@ferry/config';

export interface Program {
  /** Debian package name, also the systemd unit's name. */
  readonly name: 'ferry-cloud' | 'ferry-agent';
  /** The workspace package it runs and the folder under lib/ferry/ it is copied to. */
  readonly workspace: string;
  readonly libFolder: string;
  /** Repository folders the program reads at run time besides its dist/ (the web app). */
  readonly extraFolders: readonly string[];
  readonly command: string;
  readonly stateDir: string;
  readonly configFile: string;
  readonly config: () => string;
  readonly summary: string;
  readonly description: string;
}

const header = (file: string, env: string, doc: string): string[] => [
  `${file}: every setting with its default, commented out. Uncomment a line to change it;`,
  `the ${env} variables override this file (${doc}). After a change:`,
];

export const programs: readonly Program[] = [
  {
    name: 'ferry-cloud',
    workspace: 'packages/cloud',
    libFolder: 'cloud',
    extraFolders: ['packages/web/dist'],
    command: 'ferry',
    stateDir: '/var/lib/ferry/cloud',
    configFile: 'cloud.yaml',
    config: () =>
      renderConfigYaml(
        configSchema,
        [
          ...header('/etc/ferry/cloud.yaml', 'FERRY_*', 'docs/config.md'),
          'systemctl restart ferry-cloud',
        ],
        { dataDir: '/var/lib/ferry/cloud' },
      ),
    summary: 'self-hosted identity directory with self-service password reset',
    description:
      'The Ferry cloud: a directory of users and groups, self-service password reset, My Account, an admin center and an OpenID Connect provider. On-premises agents (package ferry-agent) sync Active Directory into it and write password changes back.',
  },
  {
    name: 'ferry-agent',
    workspace: 'packages/agent',
    libFolder: 'agent',
    extraFolders: [],
    command: 'ferry-agent',
    stateDir: '/var/lib/ferry/agent',
    configFile: 'agent.yaml',
    config: () =>
      renderConfigYaml(
        agentConfigSchema,
        [
          ...header('/etc/ferry/agent.yaml', 'FERRY_AGENT_*', 'docs/agent-config.md'),
          'systemctl restart ferry-agent',
        ],
        { stateDir: '/var/lib/ferry/agent' },
      ),
    summary: 'on-premises agent of Ferry: Active Directory sync and password writeback',
    description:
      'The Ferry agent runs next to Active Directory (or OpenLDAP): it syncs users to the Ferry cloud and writes password resets made in the cloud back to the directory over LDAPS. It only connects out to the cloud.',
  },
];
