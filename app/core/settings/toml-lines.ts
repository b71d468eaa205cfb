// The TOML parser reports lines only for syntax errors. For a document that parses but says
// something wrong (an unknown key, a bad value), this finds the line that says it, so the error
// can point there. It reads table headers and `key =` lines, which covers files people write;
// for anything it cannot place it answers null rather than guess.
import type { ProfilesLocation } from './profiles-data.js';

const HEADER = /^\s*\[\s*([^[\]]+?)\s*\]\s*(#.*)?$/;
const KEY_LINE = /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/;

function dottedPath(text: string): string[] {
  return (text.match(/"[^"]*"|'[^']*'|[A-Za-z0-9_-]+/g) ?? []).map((part) => part.replace(/^["']|["']$/g, ''));
}

function targetPath(at: ProfilesLocation): string[] {
  const path = at.profile === undefined ? [] : ['profiles', at.profile];
  return at.key === undefined ? path : [...path, at.key];
}

/** How much of `target` the line's path names, or 0 when it names something else. */
function overlap(path: string[], target: string[]): number {
  if (path.length === 0 || path.length > target.length) return 0;
  return path.every((part, i) => part === target[i]) ? path.length : 0;
}

/** The 1-based line that best names the location, or null. */
export function lineOf(text: string, at: ProfilesLocation): number | null {
  const target = targetPath(at);
  if (target.length === 0) return null;
  let table: string[] = [];
  let best = { line: null as number | null, score: 0 };
  text.split(/\r?\n/).forEach((line, index) => {
    const header = HEADER.exec(line);
    const key = header ? null : KEY_LINE.exec(line);
    if (header) table = dottedPath(header[1]);
    else if (!key) return;
    const score = overlap(header ? table : [...table, ...dottedPath(key![1])], target);
    if (score > best.score) best = { line: index + 1, score };
  });
  // A bare [profiles] header says too little to point at; anything more specific will do.
  return best.score >= Math.min(2, target.length) ? best.line : null;
}
