import { execFile } from 'node:child_process';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without a shell; a failure carries the program's own error output. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
        env: options.env ?? process.env,
      },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stderr}${stdout}`.trim().split('\n').slice(-15).join('\n');
          reject(new Error(`${file} ${args[0] ?? ''} failed: ${output || error.message}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

export async function commandExists(name: string): Promise<boolean> {
  try {
    await runCommand('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}
