import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The key file made in FLOWDECK_HOME when no FLOWDECK_SERVER_ENCRYPTION_KEY is set. */
export const ENCRYPTION_KEY_FILE = 'encryption.key';

/** The key cannot be had: a file others may read, one that holds no key. Its message says how to fix it. */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

/** A key as FLOWDECK_SERVER_ENCRYPTION_KEY or the key file writes it: 64 hex characters or base64 of 32 bytes. */
export function decodeEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  return null;
}

function readKeyFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const mode = fstatSync(fd).mode;
    // Windows has no such bits; there the file's ACL, inherited from the user's folder, guards it.
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new EncryptionKeyError(
        `the encryption key file ${path} may be read by other users (mode ${(mode & 0o777).toString(8)}); make it its owner's alone with \`chmod 600 ${path}\``,
      );
    }
    const key = decodeEncryptionKey(readFileSync(fd, 'utf8'));
    if (!key) throw new EncryptionKeyError(`the encryption key file ${path} does not hold a key (64 hex characters); restore it from your backup`);
    return key;
  } finally {
    closeSync(fd);
  }
}

/** Makes the key file, readable by its owner only; when another process made it first, reads theirs. */
function createKeyFile(path: string, home: string): Buffer {
  mkdirSync(home, { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(path);
    throw error;
  }
  const key = randomBytes(32);
  try {
    writeSync(fd, `${key.toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}

/**
 * Where the key that seals secret fields comes from: the setting when given (checked at once, so
 * a malformed one stops start-up), else `<home>/encryption.key`, made on first use. The key is
 * never in the database, so a copy of the database alone reveals no secret.
 */
export class EncryptionKeySource {
  private key: Buffer | null = null;

  constructor(
    private readonly options: {
      /** FLOWDECK_SERVER_ENCRYPTION_KEY, or null. */
      setting: string | null;
      home: string;
    },
  ) {
    if (options.setting !== null) {
      this.key = decodeEncryptionKey(options.setting);
      if (!this.key) throw new EncryptionKeyError('FLOWDECK_SERVER_ENCRYPTION_KEY must be 64 hex characters or base64 of 32 bytes');
    }
  }

  /** Where the key comes from, for messages. */
  get origin(): string {
    return this.options.setting !== null ? 'FLOWDECK_SERVER_ENCRYPTION_KEY' : join(this.options.home, ENCRYPTION_KEY_FILE);
  }

  get(): Buffer {
    if (this.key) return this.key;
    const path = join(this.options.home, ENCRYPTION_KEY_FILE);
    try {
      this.key = readKeyFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.key = createKeyFile(path, this.options.home);
    }
    return this.key;
  }
}
