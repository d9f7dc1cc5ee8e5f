import { loadOrCreateMasterKey } from './master-key.js';

/**
 * Where the master key comes from. The product only asks for the key; a deployment chooses the provider:
 * the environment (`SIGNAALROUTE_MASTER_KEY`, e.g. injected from a secrets manager or HSM-backed vault at
 * start-up) or, for the embedded default, a local key file in the data directory.
 */
export interface MasterKeyProvider {
  /** The 256-bit master key. */
  masterKey(): Buffer;
  /** Where the key came from, for the start-up log (never the key itself). */
  readonly description: string;
}

/** Provider for the configured key, or the local key file of the embedded default when none is configured. */
export function masterKeyProviderFor(dataDir: string, configuredHex?: string): MasterKeyProvider {
  const key = loadOrCreateMasterKey(dataDir, configuredHex);
  return { masterKey: () => key, description: configuredHex ? 'SIGNAALROUTE_MASTER_KEY' : `local key file in ${dataDir}/keys` };
}
