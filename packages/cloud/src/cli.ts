// `npm run cloud -- <command>`: serve (default) or bootstrap-admin.
import { bootstrapAdmin } from './cli/bootstrap-admin.js';
import { exitCodes } from './cli/exit-codes.js';
import { serve } from './cli/serve.js';

const [command = 'serve', ...args] = process.argv.slice(2);
if (command === 'serve') {
  await serve();
} else if (command === 'bootstrap-admin') {
  process.exitCode = await bootstrapAdmin(args);
} else {
  process.stderr.write(`unknown command ${command}; commands: serve, bootstrap-admin\n`);
  process.exitCode = exitCodes.usage;
}
