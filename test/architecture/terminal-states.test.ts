// The terminal states are defined once, in core/state-model.ts; SQL and views take them from there
// (TERMINAL_STATE_TYPES, isTerminal, sqlList) instead of listing them again by hand.
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATE_TYPES, TERMINAL_STATE_TYPES } from '../../app/core/states.js';
import { sourceFiles } from './layer-rules.js';

const APP = resolve(import.meta.dirname, '../../app');

/**
 * Files of app/ that may list terminal states by hand: their definition; the migrations, which
 * are history and stay as they were written; and the transition table and orchestration rules,
 * which name the states each applies to one by one.
 */
const MAY_LIST = ['core/state-model.ts', 'server/store/migrations.ts', 'core/orchestration/'];

const STATE_TYPE_WORD = new RegExp(`\\b(${STATE_TYPES.join('|')})\\b`, 'g');
const TERMINAL = new Set<string>(TERMINAL_STATE_TYPES);

interface Listing {
  file: string;
  line: number;
  text: string;
}

/** Lines that name three or more terminal state types and no other state type: a hand-made terminal set. */
function terminalListings(file: string, source: string): Listing[] {
  const path = relative(APP, file).split('\\').join('/');
  if (MAY_LIST.some((allowed) => path.startsWith(allowed))) return [];
  const found: Listing[] = [];
  source.split('\n').forEach((text, index) => {
    const named = new Set(Array.from(text.matchAll(STATE_TYPE_WORD), (match) => match[1]));
    const terminal = [...named].filter((type) => TERMINAL.has(type));
    if (terminal.length >= 3 && terminal.length === named.size) found.push({ file: path, line: index + 1, text: text.trim() });
  });
  return found;
}

describe('the terminal states', () => {
  const listings = sourceFiles(APP).flatMap((file) => terminalListings(file, readFileSync(file, 'utf8')));

  it('are listed by hand nowhere in app/ but where they are defined', () => {
    expect(listings).toEqual([]);
  });

  it('finds a hand-made terminal set in SQL, in code, and one short of completed', () => {
    const sql = "`SELECT id FROM flow_runs WHERE state_type NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')`,";
    expect(terminalListings(join(APP, 'server', 'store', 'example.ts'), `const a = 1;\n${sql}\n`)).toEqual([
      { file: 'server/store/example.ts', line: 2, text: sql },
    ]);
    const tsx = "const live = !['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'].includes(run.state.type);";
    expect(terminalListings(join(APP, 'renderer', 'Example.tsx'), tsx)).toHaveLength(1);
    const unsuccessful = "else if (type === 'FAILED' || type === 'CRASHED' || type === 'CANCELLED') failed++;";
    expect(terminalListings(join(APP, 'cli', 'example.ts'), unsuccessful)).toHaveLength(1);
  });

  it('lets lines pass that name fewer of them, or other states too, and the files that may list them', () => {
    const pass = [
      "const FAILED_TYPES = ['FAILED', 'CRASHED'];",
      "const ORDER = ['CRASHED', 'FAILED', 'CANCELLING', 'RUNNING', 'PAUSED', 'PENDING', 'SCHEDULED', 'CANCELLED', 'COMPLETED'];",
      'Make a Failed, Crashed or Cancelled flow run Scheduled',
    ].join('\n');
    expect(terminalListings(join(APP, 'renderer', 'example.ts'), pass)).toEqual([]);
    const listed = "WHERE state_type NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')";
    expect(terminalListings(join(APP, 'server', 'store', 'migrations.ts'), listed)).toEqual([]);
    expect(terminalListings(join(APP, 'core', 'orchestration', 'rules', 'example.ts'), `from: ['FAILED', 'CRASHED', 'CANCELLED'],`)).toEqual([]);
  });
});
