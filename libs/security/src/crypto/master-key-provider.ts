import { loadOrCreateLocalMasterKeys, masterKeysFromConfig, MasterKeyConfigError, PREVIOUS_MASTER_KEYS_DIR, type MasterKeys } from './master-key.js';

/**
 * Where the master keys come from. The product only asks for them; a deployment chooses the provider: the
 * environment (`SIGNAALROUTE_MASTER_KEY` and, while rotating, `SIGNAALROUTE_PREVIOUS_MASTER_KEYS`, e.g.
 * injected from a secrets manager or HSM-backed vault at start-up) or, for the embedded default, the key file
 * set in the data directory.
 */
export interface MasterKeyProvider {
  /** The current master key (wraps every new data key) and the previous ones (still unwrap older rows). */
  masterKeys(): MasterKeys;
  /** Where the keys came from and their ids, for the start-up log (never the keys themselves). */
  readonly description: string;
}

/**
 * Provider for the configured keys, or the local key file set of the embedded default when none is configured.
 * @throws MasterKeyConfigError for a bad key, a key listed twice, or previous keys without a current one.
 */
export function masterKeyProviderFor(dataDir: string, configuredHex?: string, previousList?: string): MasterKeyProvider {
  if (!configuredHex && previousList) throw new MasterKeyConfigError('SIGNAALROUTE_PREVIOUS_MASTER_KEYS needs SIGNAALROUTE_MASTER_KEY (the key that replaces them)');
  const keys = configuredHex ? masterKeysFromConfig(configuredHex, previousList) : loadOrCreateLocalMasterKeys(dataDir);
  const source = configuredHex ? 'SIGNAALROUTE_MASTER_KEY' : `local key files in ${dataDir}/keys (previous: ${PREVIOUS_MASTER_KEYS_DIR}/)`;
  const previous = keys.previous.length === 0 ? '' : `, previous ${keys.previous.map((k) => k.id).join(', ')}`;
  return { masterKeys: () => keys, description: `${source}: current ${keys.current.id}${previous}` };
}
