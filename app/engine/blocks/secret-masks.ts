/** What stands in for a loaded secret in what a run records and prints. */
export const SECRET_MASK = '********';

/**
 * Values shorter than this are not masked: masking `ab` or `1` would garble every log line
 * that happens to hold those characters, and hides nothing worth hiding.
 */
export const SECRET_MASK_MIN_LENGTH = 4;

// Secrets loaded in this process, longest first so a secret that holds another is masked whole.
// Kept for the process's life: a flow process runs the runs that loaded them, and masking them in
// another run of the same process hides more, never less.
let secrets: string[] = [];

/** Masks these values from now on in everything this process's runs record and print. */
export function registerSecretValues(values: readonly string[]): void {
  const added = values.filter((value) => value.length >= SECRET_MASK_MIN_LENGTH && !secrets.includes(value));
  if (added.length === 0) return;
  secrets = [...secrets, ...added].sort((a, b) => b.length - a.length);
}

export function hasSecretValues(): boolean {
  return secrets.length > 0;
}

/** The text with every loaded secret in it replaced by the mask, also as JSON would escape it. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const secret of secrets) {
    if (masked.includes(secret)) masked = masked.split(secret).join(SECRET_MASK);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && masked.includes(escaped)) masked = masked.split(escaped).join(SECRET_MASK);
  }
  return masked;
}

/** A copy of the value with every string in it masked; the value itself when no secret is loaded. */
export function maskSecretsDeep<T>(value: T): T {
  if (secrets.length === 0) return value;
  return maskValue(value) as T;
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValue(item)]));
  }
  return value;
}
