import type { JobTemplate } from '../../core/api/index.js';
import { UsageError } from '../errors.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `--env KEY=VALUE` pairs as the job template's environment. */
export function envOption(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq <= 0 || !ENV_NAME.test(key)) throw new UsageError(`--env takes KEY=VALUE with KEY a variable name (letters, digits and _), got '${pair}'`);
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

/** `--command`: a JSON list of words, or words split at spaces (quotes keep spaces inside a word). */
export function commandOption(raw: string): string[] {
  if (raw.trim().startsWith('[')) {
    let words: unknown;
    try {
      words = JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`--command is not a valid JSON list: ${(error as Error).message}`);
    }
    if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === 'string' && w.length > 0)) {
      throw new UsageError('--command as JSON must be a list of non-empty strings, such as ["node", "--enable-source-maps"]');
    }
    return words as string[];
  }
  const words = [...raw.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]).filter((w) => w.length > 0);
  if (words.length === 0) throw new UsageError('--command must name a program');
  return words;
}

/** The job template in lines, for inspect. */
export function describeJobTemplate(template: JobTemplate): [string, string][] {
  const env = Object.entries(template.env).map(([key, value]) => `${key}=${value}`);
  return [
    ['env', env.length > 0 ? env.join('\n') : '-'],
    ['working dir', template.workingDir ?? "- (the run's code folder)"],
    ['command', template.command ? JSON.stringify(template.command) : '- (flowdeck)'],
    ['runs per process', template.runsPerProcess > 1 ? `${template.runsPerProcess} (sharing one flow process)` : '1'],
  ];
}
