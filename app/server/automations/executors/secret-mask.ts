import type { LoadedBlock } from '../../../core/api/blocks.js';

const MASK = '********';

/** A secret URL's host and path as well: errors of a request name them apart (`connect ECONNREFUSED host:port`). */
function urlParts(text: string): string[] {
  if (!URL.canParse(text)) return [];
  const url = new URL(text);
  return [url.host, url.pathname.length > 1 ? url.pathname : ''].filter((part) => part !== '');
}

/** Every secret string a loaded block holds (a header's value, a URL, a password). */
function secretStrings(block: LoadedBlock): string[] {
  const found: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string' && value.length > 0) found.push(value, ...urlParts(value));
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const field of block.secretFields) collect(block.data[field]);
  // Longest first, so a secret holding another is masked whole.
  return found.sort((a, b) => b.length - a.length);
}

/** The text with each of the block's secret values replaced by `********`: for errors that are stored and shown. */
export function maskBlockSecrets(text: string, block: LoadedBlock): string {
  return secretStrings(block).reduce((masked, secret) => masked.split(secret).join(MASK), text);
}
