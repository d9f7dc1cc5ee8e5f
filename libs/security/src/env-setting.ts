import { SecurityConfigError } from './security.errors.js';

/**
 * The trimmed value of the environment variable `name`, or undefined when it is not set. A value that is set but
 * blank (empty or only whitespace) is refused rather than read as "not set": `JWT_PUBLIC_KEYS_FILE=` left behind by
 * a deployment template would otherwise start the app in embedded mode, trusting the data folder's key pair.
 */
export function envSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new SecurityConfigError(`${name} is set but blank: unset it for the default, or give it a value`);
  return value.trim();
}
