import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DataKeyWrapper,
  FieldDecryptionError,
  loadOrCreateLocalMasterKeys,
  MASTER_KEY_FILE,
  MasterKeyConfigError,
  masterKeyId,
  masterKeyProviderFor,
  masterKeysFromConfig,
  PREVIOUS_MASTER_KEYS_DIR,
  UnknownMasterKeyError,
} from '#security';
import { makeTempDataDir, removeDir } from './support/security-fixtures.js';

const hex = () => randomBytes(32).toString('hex');

function configError(run: () => unknown): MasterKeyConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    expect((error as MasterKeyConfigError).code).toBe('CONFIG.MASTER_KEY_INVALID');
    return error as MasterKeyConfigError;
  }
  throw new Error('expected a MasterKeyConfigError');
}

describe('a master key id is a stable fingerprint that reveals nothing of the key', () => {
  it('is the same for the same key, differs between keys, and contains no part of the key', () => {
    const key = randomBytes(32);
    expect(masterKeyId(key)).toMatch(/^mk-[0-9a-f]{16}$/);
    expect(masterKeyId(Buffer.from(key))).toBe(masterKeyId(key));
    expect(masterKeyId(randomBytes(32))).not.toBe(masterKeyId(key));
    expect(key.toString('hex')).not.toContain(masterKeyId(key).slice(3));
  });
});

describe('the configured master keys are validated at start-up, naming the variable and entry', () => {
  it('reads the current key and the comma-separated previous keys (spaces ignored), each with its id', () => {
    const [current, a, b] = [hex(), hex(), hex()];
    const keys = masterKeysFromConfig(current, ` ${a} ,${b.toUpperCase()}`);
    expect(keys.current).toEqual({ id: masterKeyId(Buffer.from(current, 'hex')), key: Buffer.from(current, 'hex') });
    expect(keys.previous.map((k) => k.id)).toEqual([a, b].map((h) => masterKeyId(Buffer.from(h, 'hex'))));
    expect(masterKeysFromConfig(current, '').previous).toEqual([]);
  });

  it('refuses bad hex and wrong lengths', () => {
    expect(configError(() => masterKeysFromConfig('xyz'.repeat(21) + 'a')).message).toBe('SIGNAALROUTE_MASTER_KEY must be 64 hexadecimal characters (256 bits)');
    expect(configError(() => masterKeysFromConfig(hex(), `${hex()},${'ab'.repeat(16)}`)).message).toBe('SIGNAALROUTE_PREVIOUS_MASTER_KEYS entry 2 must be 64 hexadecimal characters (256 bits)');
    expect(configError(() => masterKeysFromConfig(hex(), `${hex()},`)).message).toMatch(/^SIGNAALROUTE_PREVIOUS_MASTER_KEYS entry 2 must be 64 hexadecimal/);
    expect(configError(() => masterKeysFromConfig(hex(), 'g'.repeat(64))).message).toMatch(/entry 1 must be 64 hexadecimal/);
  });

  it('refuses a previous key listed twice, or the current key listed as previous, naming both places and the id (never the key)', () => {
    const [current, a] = [hex(), hex()];
    const twice = configError(() => masterKeysFromConfig(current, `${a},${a.toUpperCase()}`));
    expect(twice.message).toContain('SIGNAALROUTE_PREVIOUS_MASTER_KEYS entry 2 is the same key');
    expect(twice.message).toContain('as SIGNAALROUTE_PREVIOUS_MASTER_KEYS entry 1');
    expect(twice.message).toContain(masterKeyId(Buffer.from(a, 'hex')));
    expect(twice.message).not.toContain(a);
    expect(configError(() => masterKeysFromConfig(current, `${a},${current}`)).message).toContain('entry 2 is the same key (' + masterKeyId(Buffer.from(current, 'hex')) + ') as SIGNAALROUTE_MASTER_KEY');
  });

  it('refuses previous keys without a current key', () => {
    expect(configError(() => masterKeyProviderFor('/nonexistent', undefined, hex())).message).toMatch(/SIGNAALROUTE_PREVIOUS_MASTER_KEYS needs SIGNAALROUTE_MASTER_KEY/);
  });

  it('describes where the keys came from by their ids only', () => {
    const [current, a] = [hex(), hex()];
    const provider = masterKeyProviderFor('/nonexistent', current, a);
    expect(provider.description).toBe(`SIGNAALROUTE_MASTER_KEY: current ${masterKeyId(Buffer.from(current, 'hex'))}, previous ${masterKeyId(Buffer.from(a, 'hex'))}`);
    expect(provider.masterKeys().previous).toHaveLength(1);
  });
});

describe('the embedded default keeps its master keys as a key file set in the data folder', () => {
  it('generates the current key once and reads the previous keys from previous-master-keys/*.key', () => {
    const dir = makeTempDataDir();
    try {
      const first = loadOrCreateLocalMasterKeys(dir);
      expect(first.previous).toEqual([]);
      const previousDir = path.join(dir, 'keys', PREVIOUS_MASTER_KEYS_DIR);
      mkdirSync(previousDir);
      const [a, b] = [hex(), hex()];
      writeFileSync(path.join(previousDir, '2026-01.key'), `${a}\n`);
      writeFileSync(path.join(previousDir, '2026-06.key'), b);
      writeFileSync(path.join(previousDir, 'README.txt'), 'not a key');
      const keys = loadOrCreateLocalMasterKeys(dir);
      expect(keys.current).toEqual(first.current);
      expect(keys.previous.map((k) => k.key.toString('hex'))).toEqual([a, b]);
    } finally {
      removeDir(dir);
    }
  });

  it('refuses a key file that holds no 256-bit key, or a previous file holding the current key, naming the file', () => {
    const dir = makeTempDataDir();
    try {
      const current = loadOrCreateLocalMasterKeys(dir).current;
      const previousDir = path.join(dir, 'keys', PREVIOUS_MASTER_KEYS_DIR);
      mkdirSync(previousDir);
      writeFileSync(path.join(previousDir, 'old.key'), current.key.toString('hex'));
      expect(configError(() => loadOrCreateLocalMasterKeys(dir)).message).toBe(
        `${path.join(previousDir, 'old.key')} is the same key (${current.id}) as ${path.join(dir, 'keys', MASTER_KEY_FILE)}: list each master key once, and never the current one as previous`,
      );
      writeFileSync(path.join(previousDir, 'old.key'), 'abc');
      expect(configError(() => loadOrCreateLocalMasterKeys(dir)).message).toBe(`${path.join(previousDir, 'old.key')} must be 64 hexadecimal characters (256 bits)`);
    } finally {
      removeDir(dir);
    }
  });
});

describe('data keys are wrapped under the current master key and unwrapped with the master key their row names', () => {
  const oldKeys = masterKeysFromConfig(hex());
  const old = new DataKeyWrapper(oldKeys);
  const rotated = new DataKeyWrapper(masterKeysFromConfig(hex(), oldKeys.current.key.toString('hex')));
  const keyId = randomUUID();
  const dataKey = DataKeyWrapper.generate();

  it('opens a key wrapped under a previous master key by that key id, and wraps new keys under the current one', () => {
    const wrapped = old.wrap(keyId, dataKey);
    expect(rotated.unwrap(keyId, wrapped, oldKeys.current.id).equals(dataKey)).toBe(true);
    const rewrapped = rotated.wrap(keyId, dataKey);
    expect(rotated.unwrap(keyId, rewrapped, rotated.currentMasterKeyId).equals(dataKey)).toBe(true);
    expect(() => old.unwrap(keyId, rewrapped)).toThrow(FieldDecryptionError);
  });

  it('refuses a master key id that is not configured with an error naming it, never a wrong key\'s garbage', () => {
    const wrapped = rotated.wrap(keyId, dataKey);
    let error: unknown;
    try {
      old.unwrap(keyId, wrapped, rotated.currentMasterKeyId);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownMasterKeyError);
    expect((error as UnknownMasterKeyError).code).toBe('CRYPTO.MASTER_KEY_UNKNOWN');
    expect((error as UnknownMasterKeyError).masterKeyId).toBe(rotated.currentMasterKeyId);
    expect((error as Error).message).toContain(`under master key ${rotated.currentMasterKeyId}, which is not configured`);
    expect(() => rotated.unwrap(keyId, old.wrap(keyId, dataKey), rotated.currentMasterKeyId)).toThrow(FieldDecryptionError);
  });

  it('opens a key wrapped before master key ids were recorded with whichever configured key authenticates it', () => {
    const wrapped = old.wrap(keyId, dataKey);
    expect(rotated.openingMasterKeyId(keyId, wrapped)).toBe(oldKeys.current.id);
    expect(rotated.unwrap(keyId, wrapped, null).equals(dataKey)).toBe(true);
    expect(() => new DataKeyWrapper(randomBytes(32)).unwrap(keyId, wrapped, null)).toThrow(FieldDecryptionError);
  });
});
