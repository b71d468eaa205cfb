// How each kind of setting turns what a person wrote into a value. Each throws SettingValueError
// with a message that reads on from the setting's name.
import { LOG_LEVELS, type LogLevelName } from '../log-levels.js';
import { SettingValueError } from './errors.js';

/** Digits with an optional fraction, so `1e3`, `0x10` and `Infinity` are refused rather than bent. */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

export function parseSeconds(raw: string, options: { allowZero: boolean }): number {
  const text = raw.trim();
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || (!options.allowZero && value === 0)) {
    const what = options.allowZero ? 'a number of seconds of 0 or more' : 'a number of seconds greater than 0';
    throw new SettingValueError(`must be ${what}, got '${raw}'`);
  }
  return value;
}

/**
 * The base URL of a Flowdeck server's API. It must end in /api because clients append resource
 * paths to it: a URL without it would reach the web UI and fail with confusing 404s.
 */
export function parseApiUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingValueError(`must be an http(s) URL such as http://127.0.0.1:4300/api, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingValueError(`must be an http:// or https:// URL, got '${raw}'`);
  }
  if (url.username || url.password) {
    throw new SettingValueError('must not carry a user name or password; put the key in FLOWDECK_API_KEY');
  }
  if (url.search || url.hash) {
    throw new SettingValueError(`must be a base URL without a query or fragment, got '${raw}'`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/api')) {
    throw new SettingValueError(`must be the server's API base, ending in /api (e.g. ${url.origin}${path}/api), got '${raw}'`);
  }
  return `${url.origin}${path}`;
}

/**
 * Browser origins, comma-separated, as a server's CORS allow-list: each an http(s) origin such as
 * http://127.0.0.1:4300 (no path), or `*` for any. Answered normalised, joined by commas.
 */
export function parseOrigins(raw: string): string {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new SettingValueError("must name at least one origin, such as http://127.0.0.1:4300, or '*'");
  const origins = items.map((item) => {
    if (item === '*') return item;
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new SettingValueError(`'${item}' is not an origin; write it as scheme://host:port, such as http://127.0.0.1:4300`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingValueError(`'${item}' is not an http:// or https:// origin`);
    if (url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash || url.username) {
      throw new SettingValueError(`'${item}' is more than an origin; give scheme://host:port only, such as ${url.origin}`);
    }
    return url.origin;
  });
  return [...new Set(origins)].join(',');
}

/** The origins of a parsed FLOWDECK_SERVER_CORS_ORIGINS. */
export function originList(value: string | null): string[] {
  return value === null ? [] : value.split(',').filter((item) => item !== '');
}

/**
 * Host names, comma-separated, that a server answers besides loopback and its listen address:
 * each a DNS name or an IP address as a Host header carries it, without scheme or port.
 * Answered lower-cased, joined by commas.
 */
export function parseHostNames(raw: string): string {
  const items = raw
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (items.length === 0) throw new SettingValueError('must name at least one host name, such as flowdeck.example.com');
  for (const item of items) {
    if (item.includes('://') || item.includes('/'))
      throw new SettingValueError(`'${item}' is a URL; give the host name alone, such as ${hostOfUrl(item)}`);
    const ipv6 = /^\[?[0-9a-f:.]+\]?$/.test(item) && item.includes(':') && (item.match(/:/g) ?? []).length > 1;
    if (ipv6) continue;
    if (item.includes(':')) throw new SettingValueError(`'${item}' has a port; give the host name alone (any port of it is answered)`);
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(item) || item.length > 253) {
      throw new SettingValueError(`'${item}' is not a host name; use letters, digits, '-' and '.', such as flowdeck.example.com`);
    }
  }
  return [...new Set(items)].join(',');
}

function hostOfUrl(text: string): string {
  try {
    return new URL(text).hostname || 'flowdeck.example.com';
  } catch {
    return 'flowdeck.example.com';
  }
}

/** The names of a parsed FLOWDECK_SERVER_ALLOWED_HOSTS. */
export function hostNameList(value: string | null): string[] {
  return value === null ? [] : value.split(',').filter((item) => item !== '');
}

/** Goes into an Authorization header, so it may not hold spaces or line breaks. Never echoed back. */
export function parseSecret(raw: string): string {
  const text = raw.trim();
  if (text === '') throw new SettingValueError('must not be empty');
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(text)) throw new SettingValueError('must not contain spaces, line breaks or control characters');
  return text;
}

/**
 * A 256-bit encryption key: 64 hex characters, or the base64 of 32 bytes (44 characters ending
 * in `=`), as `openssl rand -hex 32` or `openssl rand -base64 32` print.
 */
export function parseEncryptionKey(raw: string): string {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text) || /^[A-Za-z0-9+/]{43}=$/.test(text)) return text;
  throw new SettingValueError('must be 32 bytes written as 64 hex characters or as base64 (44 characters); make one with `openssl rand -hex 32`');
}

const LEVEL_ALIASES: Record<string, LogLevelName> = { WARN: 'WARNING' };

export function parseLogLevel(raw: string): LogLevelName {
  const text = raw.trim().toUpperCase();
  const level = LEVEL_ALIASES[text] ?? text;
  if (!Object.hasOwn(LOG_LEVELS, level)) {
    throw new SettingValueError(`must be one of ${Object.keys(LOG_LEVELS).join(', ')}, got '${raw}'`);
  }
  return level;
}

/** A folder given whole (`/home/ada/flows`, `C:\flows`): a relative one would depend on where a command happens to start. */
export function parseFolderPath(raw: string): string {
  const text = raw.trim();
  if (text.includes('\0')) throw new SettingValueError('must not contain a NUL character');
  if (text.startsWith('~')) throw new SettingValueError(`must be a whole path; write your home folder out instead of '~', got '${raw}'`);
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(text))
    throw new SettingValueError(`must be the whole path of a folder, such as /home/ada/flows, got '${raw}'`);
  return text;
}

/** A `result-storage` block as `result-storage/NAME`: the default place results and cache entries go. */
export function parseResultStorageBlock(raw: string): string {
  const text = raw.trim();
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (!match) throw new SettingValueError(`must name a block as result-storage/NAME, got '${raw}'`);
  if (match[1] !== 'result-storage')
    throw new SettingValueError(`must name a block of type result-storage (result-storage/NAME), got one of type '${match[1]}'`);
  return text;
}
