/** One parameter of a function, as its source declares it. */
export interface DeclaredParameter {
  /** Its name; a destructured parameter is named by its position ('0', '1', ...). */
  name: string;
  hasDefault: boolean;
  /** `...rest`: takes every argument from here on. */
  rest: boolean;
  /** `{ a, b }` or `[a, b]` in place of a name. */
  destructured: 'object' | 'array' | null;
}

const QUOTES = new Set(["'", '"', '`']);
const OPENERS: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/**
 * The text between the parentheses of a parameter list that starts at `open`, with comments
 * dropped, split at its top-level commas. Strings and nested brackets (defaults such as
 * `{ a: [1, 2] }` or `f(x, y)`) are skipped over whole.
 */
function splitParameterList(source: string, open: number): string[] {
  const parts: string[] = [];
  const closers: string[] = [];
  let current = '';
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i];
    if (ch === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 1;
      continue;
    }
    if (QUOTES.has(ch)) {
      let j = i + 1;
      while (j < source.length && source[j] !== ch) j += source[j] === '\\' ? 2 : 1;
      current += source.slice(i, j + 1);
      i = j;
      continue;
    }
    if (ch in OPENERS) closers.push(OPENERS[ch]);
    else if (closers.length > 0 && ch === closers[closers.length - 1]) closers.pop();
    else if (closers.length === 0 && ch === ')') {
      parts.push(current);
      return parts.map((p) => p.trim()).filter((p) => p.length > 0);
    } else if (closers.length === 0 && ch === ',') {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  throw new Error('the parameter list does not end');
}

/** Where the bracketed pattern that opens `text` closes. */
function patternEnd(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (QUOTES.has(ch)) {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      i = j;
    } else if (ch in OPENERS) depth++;
    else if (ch === '}' || ch === ']' || ch === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length;
}

function describe(part: string, position: number): DeclaredParameter {
  const rest = part.startsWith('...');
  const text = rest ? part.slice(3).trimStart() : part;
  const first = text[0];
  if (first === '{' || first === '[') {
    const after = text.slice(patternEnd(text) + 1).trimStart();
    return { name: String(position), hasDefault: after.startsWith('='), rest, destructured: first === '{' ? 'object' : 'array' };
  }
  const match = /^([\w$]+)\s*(=)?/.exec(text);
  return { name: match ? match[1] : String(position), hasDefault: match?.[2] === '=', rest, destructured: null };
}

/**
 * The parameters a function declares, read from its source as Prefect reads a signature: plain
 * names, defaults, rest parameters and destructured ones. Types are gone by the time flow code
 * runs, so only the shape of the list is known.
 */
export function declaredParameters(fn: (...args: never[]) => unknown): DeclaredParameter[] {
  const source = Function.prototype.toString.call(fn);
  // `async x => ...` and `x => ...`: one parameter, no parentheses.
  const bare = /^(?:async\s+)?([\w$]+)\s*=>/.exec(source);
  if (bare) return [{ name: bare[1], hasDefault: false, rest: false, destructured: null }];
  const open = source.indexOf('(');
  if (open < 0) return [];
  return splitParameterList(source, open).map(describe);
}
