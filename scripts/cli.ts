/**
 * What the project's CLIs (`npm run audit`, `npm run keys`) share: output helpers, the two error kinds and the
 * command dispatch with its exit codes — 0 done, 1 the check found something (the command says what),
 * 2 bad usage (the usage text follows), 3 could not run (database, keys, files).
 */

/** Bad arguments: exit 2 with the usage text. */
export class UsageError extends Error {}

/** The command could not run (database unreachable, keys missing, file unreadable): exit 3. */
export class CannotRunError extends Error {}

export const err = (line: string): void => void process.stderr.write(`${line}\n`);
export const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Runs `commands[argv[0]]` with the rest of the arguments and returns the exit code. */
export async function runCli(name: string, usage: string, commands: Record<string, (args: string[]) => Promise<number>>, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      out(usage);
      return command === undefined ? 2 : 0;
    }
    const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(error as Error).message}\n${usage}`);
      return 2;
    }
    if (error instanceof CannotRunError) {
      err(error.message);
      return 3;
    }
    err(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 3;
  }
}
