import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The version of the sealed form; a later one may change the algorithm without losing old values. */
const SEALED_PREFIX = 'v1';
const IV_BYTES = 12;

/** A sealed value that this key cannot open: another key sealed it, or it was changed. */
export class SecretUnsealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnsealError';
  }
}

/**
 * Seals and opens secret values with AES-256-GCM: a random 12-byte IV per value, and the auth
 * tag checked on opening. `context` (the block and field) is bound in as associated data, so a
 * sealed value copied to another block or field does not open.
 */
export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error(`an encryption key must be 32 bytes, got ${key.length}`);
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [SEALED_PREFIX, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [prefix, iv, tag, body] = sealed.split('.');
    if (prefix !== SEALED_PREFIX || iv === undefined || tag === undefined || body === undefined) {
      throw new SecretUnsealError('it is not a value this Flowdeck sealed');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnsealError('it was encrypted with another key, or changed since');
    }
  }
}
