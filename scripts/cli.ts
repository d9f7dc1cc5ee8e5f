/**
 * What the project's CLIs (`npm run audit`, `npm run keys`, `npm run token`) share: output helpers, the two error
 * kinds, the argument and environment checks, and the command dispatch with its exit codes — 0 done, 1 the check
 * found something (the command says what), 2 bad usage (the usage text follows, on stderr), 3 could not run
 * (database, keys, files).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad arguments or configuration: exit 2 with the usage text. */
export class UsageError extends Error {}

/** The command could not run (database unreachable, keys missing, file unreadable): exit 3. */
export class CannotRunError extends Error {}

export const err = (line: string): void => void process.stderr.write(`${line}\n`);
export const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** The app's default data folder (AppConfig.SIGNAALROUTE_DATA_DIR, DEFAULT_DATA_DIR in libs/security). */
export const DEFAULT_DATA_DIR = './.signaalroute';

type FlagsConfig = Omit<ParseArgsConfig, 'args' | 'strict' | 'tokens'>;

/**
 * `parseArgs` in strict mode, refusing what it lets through: a flag given twice (it keeps the last value, so
 * `--municipality GM0153 --municipality GM0999` would mint a GM0999-only token). Flags declared `multiple` may
 * repeat. Every parse error is a UsageError (exit 2).
 */
export function parseFlags<C extends FlagsConfig>(argv: string[], config: C): ReturnType<typeof parseArgs<C>> {
  let parsed;
  try {
    parsed = parseArgs({ ...config, args: argv, strict: true, tokens: true });
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
  const repeated = repeatedFlag(parsed.tokens ?? [], config.options ?? {});
  if (repeated !== undefined) throw new UsageError(`--${repeated} is given more than once: give it once (the last one would silently win)`);
  return parsed as unknown as ReturnType<typeof parseArgs<C>>;
}

/** The first flag given more than once that is not declared `multiple`. */
function repeatedFlag(tokens: readonly { kind: string; name?: string }[], options: NonNullable<ParseArgsConfig['options']>): string | undefined {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) return token.name;
    seen.add(token.name);
  }
  return undefined;
}

/**
 * Refuses the first of `flags` that was given: the chosen command or mode does not use it, and ignoring it would
 * let the user believe it did something. `why` completes "--<flag> …".
 */
export function refuseGiven(values: Record<string, unknown>, flags: readonly string[], why: string): void {
  const given = flags.find((flag) => values[flag] !== undefined);
  if (given !== undefined) throw new UsageError(`--${given} ${why}`);
}

/**
 * The numeric flag `flag`: undefined when not given, else a whole number in min..max written in decimal digits
 * only. `Number()` alone would take `1e3`, `0x100`, `1.0`, `+5` or ` 5`; one parser for every flag answers
 * them all alike.
 */
export function wholeNumberFlag(flag: string, value: string | undefined, min: number, max: number, unit = ''): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) throw new UsageError(`${flag} must be a whole number${unit ? ` of ${unit}` : ''} in ${min}..${max}, in decimal digits; got "${value}"`);
  return number;
}

/**
 * SIGNAALROUTE_DATA_DIR as the app reads it: trimmed, the default when unset, refused when set but blank. A blank
 * value (often an unset shell variable: `SIGNAALROUTE_DATA_DIR=$DIR`) must not fall back to ./.signaalroute: the
 * token CLI would create a key pair there that the instance does not know, the others would read another folder.
 */
export function dataDirFrom(env: Record<string, string | undefined>): string {
  const value = env.SIGNAALROUTE_DATA_DIR;
  if (value === undefined) return DEFAULT_DATA_DIR;
  if (value.trim() === '') throw new UsageError(`SIGNAALROUTE_DATA_DIR is blank: name the data folder the app runs with, or unset it for the default ${DEFAULT_DATA_DIR}`);
  return value.trim();
}

/**
 * A setting from the environment as the app reads it: trimmed, undefined when unset, refused when set but blank. A
 * blank value (often an unset shell variable: `DATABASE_URL=$DB`) must not mean "unset": `DATABASE_URL=` would open
 * the embedded database instead of the one meant, `SIGNAALROUTE_MASTER_KEY=` would look for a key file instead.
 */
export function envSetting(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${name} is set but blank: unset it, or give it a value`);
  return value.trim();
}

/** What went wrong, in words: an error's message, else its code, else the value thrown (some drivers throw without a message). */
export function errorText(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown } | null;
  if (typeof e?.message === 'string' && e.message !== '') return e.message;
  if (typeof e?.code === 'string') return e.code;
  return String(error);
}

/**
 * Why the embedded database in the data folder `folder` cannot be opened before trying (none, a file where its
 * folder should be), or null. Opening a folder that is not there would create an empty database.
 */
export function embeddedDatabaseProblem(folder: string): string | null {
  const pgdata = path.join(folder, 'pgdata');
  if (!existsSync(pgdata)) return `no embedded database in ${pgdata} (set DATABASE_URL or SIGNAALROUTE_DATA_DIR)`;
  if (!statSync(pgdata).isDirectory()) return `${pgdata} is not a folder: SIGNAALROUTE_DATA_DIR must name the data folder the app runs with`;
  return null;
}

/** `--help` or `-h` before a `--` terminator (after it, arguments are not flags). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * A file named on the command line, as the caller meant it: relative to the folder they typed the command in.
 * `npm run` starts the script in the package's root; npm passes the caller's folder as `INIT_CWD`.
 */
export function callersFile(file: string, env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  return path.resolve(env.INIT_CWD || cwd, file);
}

/**
 * Runs `commands[argv[0]]` with the rest of the arguments and returns the exit code. Asked for (`--help`, also
 * after a command), the usage goes to stdout with exit 0; as the answer to a mistake (no command, bad arguments)
 * it goes to stderr with exit 2, so that `$(npm run -s audit)` captures no usage text as if it were output.
 */
export async function runCli(name: string, usage: string, commands: Record<string, (args: string[]) => Promise<number>>, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (asksForHelp(argv)) {
      out(usage);
      return 0;
    }
    if (command === undefined) throw new UsageError('no command given');
    const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${name}: ${error.message}\n${usage}`);
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
