import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Blocks, EncryptionKeyError, EncryptionKeySource } from '../../../app/server/index.js';
import { SecretCipher, SecretUnsealError } from '../../../app/server/blocks/secret-cipher.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const homes: ReturnType<typeof makeTempHome>[] = [];
function tempHome() {
  const home = makeTempHome();
  homes.push(home);
  return home;
}
afterEach(() => {
  for (const home of homes.splice(0)) home.cleanup();
});

describe('secret cipher', () => {
  const key = Buffer.alloc(32, 7);

  it('opens what it sealed, with a fresh IV each time', () => {
    const cipher = new SecretCipher(key);
    const one = cipher.seal('s3cret', 'secret/db/value');
    const two = cipher.seal('s3cret', 'secret/db/value');
    expect(one).not.toBe(two);
    expect(one).not.toContain('s3cret');
    expect(cipher.open(one, 'secret/db/value')).toBe('s3cret');
  });

  it('refuses a changed value, another key, or another block or field', () => {
    const cipher = new SecretCipher(key);
    const sealed = cipher.seal('s3cret', 'secret/db/value');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    expect(() => cipher.open(tampered, 'secret/db/value')).toThrow(SecretUnsealError);
    expect(() => new SecretCipher(Buffer.alloc(32, 8)).open(sealed, 'secret/db/value')).toThrow(SecretUnsealError);
    expect(() => cipher.open(sealed, 'secret/other/value')).toThrow(SecretUnsealError);
    expect(() => cipher.open('plain text', 'secret/db/value')).toThrow(SecretUnsealError);
  });
});

describe('encryption key', () => {
  it('is made in FLOWDECK_HOME on first use, readable by its owner only, and read back after', () => {
    const { home } = tempHome();
    const path = join(home, 'encryption.key');
    expect(existsSync(path)).toBe(false);
    const key = new EncryptionKeySource({ setting: null, home }).get();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(key.toString('hex'));
    expect(new EncryptionKeySource({ setting: null, home }).get().equals(key)).toBe(true);
  });

  it('refuses a key file that others may read, saying how to fix it', () => {
    const { home } = tempHome();
    new EncryptionKeySource({ setting: null, home }).get();
    chmodSync(join(home, 'encryption.key'), 0o644);
    expect(() => new EncryptionKeySource({ setting: null, home }).get()).toThrow(/may be read by other users .*chmod 600/);
  });

  it('takes 64 hex characters or base64 of 32 bytes from the setting and refuses anything else at once', () => {
    const { home } = tempHome();
    expect(new EncryptionKeySource({ setting: 'ab'.repeat(32), home }).get()).toEqual(Buffer.alloc(32, 0xab));
    expect(new EncryptionKeySource({ setting: Buffer.alloc(32, 1).toString('base64'), home }).get()).toEqual(Buffer.alloc(32, 1));
    expect(() => new EncryptionKeySource({ setting: 'short', home })).toThrow(EncryptionKeyError);
    expect(existsSync(join(home, 'encryption.key'))).toBe(false);
  });

  it('refuses a key file that holds no key', () => {
    const { home } = tempHome();
    writeFileSync(join(home, 'encryption.key'), 'nonsense\n', { mode: 0o600 });
    expect(() => new EncryptionKeySource({ setting: null, home }).get()).toThrow(/does not hold a key/);
  });
});

describe('blocks with the wrong key', () => {
  it('say which block and field cannot be decrypted instead of giving garbage', async () => {
    const { home, dbPath } = tempHome();
    const store = await openTestStore({ path: dbPath });
    try {
      await new Blocks(store, new EncryptionKeySource({ setting: 'ab'.repeat(32), home })).create('secret', 'db', { value: 'pw' });
      const other = new Blocks(store, new EncryptionKeySource({ setting: 'cd'.repeat(32), home }));
      await expect(other.load('secret', 'db', null)).rejects.toThrow(
        /^block secret\/db: its secret field 'value' cannot be decrypted with the key from FLOWDECK_SERVER_ENCRYPTION_KEY/,
      );
      // Reading it masked needs no key.
      expect((await other.read('secret', 'db'))?.data).toEqual({ value: '********' });
    } finally {
      await store.close();
    }
  });
});
