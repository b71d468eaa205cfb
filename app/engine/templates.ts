/** Fills `{name}` and `{name.field}` placeholders; unknown names are left as they are. */
export function renderTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{([\w$.]+)\}/g, (whole, path: string) => {
    let value: unknown = values;
    for (const part of path.split('.')) {
      if (value === null || typeof value !== 'object' || !(part in value)) return whole;
      value = (value as Record<string, unknown>)[part];
    }
    if (value === undefined) return whole;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are written as JSON
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  });
}

/**
 * The parameter names of a function, read from its source, so templates and cache policies can
 * speak of arguments by name. Destructured parameters have no name and are left out.
 */
export function parameterNames(fn: (...args: never[]) => unknown): (string | null)[] {
  const source = Function.prototype.toString.call(fn);
  const arrowSingle = /^(?:async\s+)?([\w$]+)\s*=>/.exec(source);
  if (arrowSingle) return [arrowSingle[1]];
  const open = source.indexOf('(');
  if (open < 0) return [];
  let depth = 0;
  let current = '';
  const parts: string[] = [];
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i];
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    if (ch === ')' || ch === '}' || ch === ']') {
      if (depth === 0) {
        parts.push(current);
        break;
      }
      depth--;
    }
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  return parts
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const match = /^(?:\.\.\.)?([\w$]+)/.exec(part);
      return match ? match[1] : null;
    });
}

/** Argument values by position and, where known, by name; a lone object argument also lends its keys. */
export function argumentValues(names: (string | null)[], args: readonly unknown[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const first = args[0];
  if (args.length === 1 && first !== null && typeof first === 'object' && !Array.isArray(first)) {
    Object.assign(values, first);
  }
  args.forEach((arg, i) => {
    values[String(i)] = arg;
    const name = names[i];
    if (name) values[name] = arg;
  });
  return values;
}

const ADJECTIVES = [
  'amber',
  'brave',
  'brisk',
  'calm',
  'clever',
  'cosmic',
  'daring',
  'eager',
  'fancy',
  'gentle',
  'golden',
  'happy',
  'humble',
  'jolly',
  'keen',
  'lively',
  'lucky',
  'mellow',
  'merry',
  'nimble',
  'noble',
  'proud',
  'quick',
  'quiet',
  'rapid',
  'silver',
  'smart',
  'snappy',
  'steady',
  'swift',
  'tidy',
  'vivid',
  'warm',
  'witty',
  'zesty',
];
const ANIMALS = [
  'badger',
  'bison',
  'crane',
  'dingo',
  'eagle',
  'falcon',
  'ferret',
  'gecko',
  'heron',
  'ibis',
  'jaguar',
  'koala',
  'lemur',
  'lynx',
  'marmot',
  'narwhal',
  'ocelot',
  'otter',
  'panda',
  'puffin',
  'quail',
  'raven',
  'salmon',
  'seal',
  'tapir',
  'toucan',
  'urchin',
  'walrus',
  'wombat',
  'yak',
  'zebra',
];

/** A friendly name for a flow run, such as `brisk-otter`. */
export function generateRunName(random: () => number = Math.random): string {
  const pick = (words: string[]) => words[Math.floor(random() * words.length)];
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}`;
}
