import { parseArgs } from 'node:util';
import { createFirstAdmin } from '../auth/bootstrap.js';
import { createCloud } from '../app.js';
import { FerryError } from '../util/ferry-error.js';
import { exitCodes } from './exit-codes.js';
import { loadConfigOrExit } from './load-config-or-exit.js';
import { readPassword } from './read-password.js';

const usage =
  'usage: npm run cloud -- bootstrap-admin --email EMAIL [--name "Display Name"]\n' +
  '  the password is read from FERRY_BOOTSTRAP_PASSWORD_FILE, else from stdin';

/** Creates the default tenant's first global admin from the command line. */
export async function bootstrapAdmin(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  const email = values.email;
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    process.stderr.write(`${usage}\n`);
    return exitCodes.usage;
  }
  const password = await readPassword();
  const config = loadConfigOrExit();
  const cloud = await createCloud({ config: { ...config, logLevel: 'warn' } });
  try {
    const user = await createFirstAdmin(
      cloud.services,
      cloud.services.defaultTenantId,
      { email, displayName: values.name ?? email, password },
      { channel: 'cli' },
    );
    process.stdout.write(`created global admin ${user.upn}\n`);
    return exitCodes.ok;
  } catch (error) {
    if (!(error instanceof FerryError)) throw error;
    // A refused password names the rules it broke (the cloud policy, as for any user).
    const rules = error.rules?.map((rule) => rule.rule).join(', ');
    process.stderr.write(
      `ferry cloud: ${error.code}: ${rules ? `the password breaks: ${rules}` : error.message}\n`,
    );
    return exitCodes.failure;
  } finally {
    await cloud.close();
  }
}
