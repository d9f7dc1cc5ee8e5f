import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BlindIndex, DataKeyWrapper, FieldDecryptionError, isSealedValue, openSealedValue, sealedKeyId, sealValue } from '#security';

const key = randomBytes(32);
const keyId = randomUUID();

describe('sealed values (pd1.<keyId>.…)', () => {
  it('open to the original text with their key, for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const sealed = sealValue(key, keyId, text);
        expect(isSealedValue(sealed)).toBe(true);
        expect(sealedKeyId(sealed)).toBe(keyId);
        if (text.length > 8) expect(sealed).not.toContain(text);
        expect(openSealedValue(key, sealed)).toBe(text);
      }),
    );
  });

  it('seal the same text differently each time (random IV), so equal values cannot be spotted', () => {
    expect(sealValue(key, keyId, '111222333')).not.toBe(sealValue(key, keyId, '111222333'));
  });

  it('do not open under another key, relabelled with another key id, moved to another context, or altered', () => {
    const sealed = sealValue(key, keyId, 'Jan de Vries', 'reporter-vault:a');
    expect(openSealedValue(key, sealed, 'reporter-vault:a')).toBe('Jan de Vries');
    expect(() => openSealedValue(randomBytes(32), sealed, 'reporter-vault:a')).toThrow(FieldDecryptionError);
    expect(() => openSealedValue(key, sealed, 'reporter-vault:b')).toThrow(FieldDecryptionError);
    expect(() => openSealedValue(key, sealed)).toThrow(FieldDecryptionError);
    expect(() => openSealedValue(key, sealed.replace(keyId, randomUUID()), 'reporter-vault:a')).toThrow(FieldDecryptionError);
    const parts = sealed.split('.');
    const flipped = parts.at(-1)!.startsWith('A') ? `B${parts.at(-1)!.slice(1)}` : `A${parts.at(-1)!.slice(1)}`;
    expect(() => openSealedValue(key, [...parts.slice(0, -1), flipped].join('.'), 'reporter-vault:a')).toThrow(FieldDecryptionError);
  });

  it('are told apart from ordinary text, including text that merely starts with the prefix', () => {
    expect(isSealedValue('pd1.not-a-key-id.x.y.z')).toBe(false);
    expect(isSealedValue('Hennepkwekerij op zolder')).toBe(false);
    expect(isSealedValue(42)).toBe(false);
  });
});

describe('data keys wrapped under the master key', () => {
  const wrapper = new DataKeyWrapper(randomBytes(32));

  it('unwrap to the same key, and only under their own id and master key', () => {
    const dataKey = DataKeyWrapper.generate();
    const wrapped = wrapper.wrap(keyId, dataKey);
    expect(wrapped).not.toContain(dataKey.toString('base64'));
    expect(wrapper.unwrap(keyId, wrapped).equals(dataKey)).toBe(true);
    expect(() => wrapper.unwrap(randomUUID(), wrapped)).toThrow(FieldDecryptionError);
    expect(() => new DataKeyWrapper(randomBytes(32)).unwrap(keyId, wrapped)).toThrow(FieldDecryptionError);
  });
});

describe('blind indexes', () => {
  it('are deterministic per master key and field, differ across fields and master keys, and never contain the value', () => {
    const master = randomBytes(32);
    const index = new BlindIndex(master);
    expect(index.of('bsn', '111222333')).toBe(new BlindIndex(master).of('bsn', '111222333'));
    expect(index.of('bsn', '111222333')).not.toBe(index.of('name', '111222333'));
    expect(index.of('bsn', '111222333')).not.toBe(new BlindIndex(randomBytes(32)).of('bsn', '111222333'));
    expect(index.of('bsn', '111222333')).not.toContain('111222333');
    expect(index.of('bsn', null)).toBeNull();
  });
});
