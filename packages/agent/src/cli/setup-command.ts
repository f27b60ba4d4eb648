import { TerminalPrompter, UnattendedPrompter, type Prompter } from '../setup/prompter.js';
import { SETUP_HELP, SETUP_OPTIONS } from '../setup/setup-flags.js';
import { runSetupWizard } from '../setup/setup-wizard.js';
import { parseCommandArgs, type AgentCommand } from './command.js';
import { UsageError } from './usage-error.js';

export const setupCommand: AgentCommand = {
  name: 'setup',
  summary: 'the setup wizard: cloud, DCs and certificates, service account, scope, features',
  help: SETUP_HELP,
  async run(args) {
    const { values } = parseCommandArgs(args, SETUP_OPTIONS);
    if (!values.yes && !process.stdin.isTTY)
      throw new UsageError(
        'setup asks its questions on a terminal; without one, give --yes and the flags',
      );
    const prompter: Prompter = values.yes ? new UnattendedPrompter() : new TerminalPrompter();
    try {
      await runSetupWizard(prompter, values);
    } finally {
      prompter.close();
    }
  },
};
