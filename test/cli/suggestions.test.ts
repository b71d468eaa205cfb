// A mistyped command or option gets the nearest ones suggested.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closest, closestCommands, editDistance } from '../../app/cli/suggest.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { cli } from './harness.js';

let temp: ReturnType<typeof makeTempHome>;
beforeEach(() => (temp = makeTempHome()));
afterEach(() => temp.cleanup());

describe('a mistyped command', () => {
  it('is answered with the nearest commands', async () => {
    const cases: [string[], string][] = [
      [['flwo-run', 'ls'], "did you mean 'flowdeck flow-run ls'?"],
      [['runn', 'etl.ts'], "did you mean 'flowdeck run'?"],
      [['serve', 'start'], "did you mean 'flowdeck server start'?"],
      [['flow-run', 'lss'], "did you mean 'flowdeck flow-run ls'?"],
      [['profile', 'usee', 'dev'], "did you mean 'flowdeck profile use'?"],
    ];
    for (const [argv, guess] of cases) {
      const { code, err } = await cli(temp.home, ...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err, argv.join(' ')).toContain(guess);
    }
  });

  it('lists the commands when nothing is near', async () => {
    const { code, err } = await cli(temp.home, 'launch', 'x.ts');
    expect(code).toBe(2);
    expect(err).not.toContain('did you mean');
    expect(err).toContain("unknown command 'launch'");
    expect(err).toContain('flow-run ls');
  });
});

describe('a mistyped option', () => {
  it('is answered with the nearest option of the command', async () => {
    const cases: [string[], string][] = [
      [['flow-run', 'ls', '--jsno'], "Unknown option '--jsno'; did you mean '--json'?"],
      [['flow-run', 'ls', '--limt=3'], "did you mean '--limit'?"],
      [['run', 'x.ts', '--parm', 'a=1'], "did you mean '--param'?"],
      [['task-run', 'ls', '--flowrun', 'abcd'], "did you mean '--flow-run'?"],
    ];
    for (const [argv, guess] of cases) {
      const { code, err } = await cli(temp.home, ...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err, argv.join(' ')).toContain(guess);
    }
    const far = await cli(temp.home, 'flow-run', 'ls', '--wat');
    expect(far.err).toContain("Unknown option '--wat'");
    expect(far.err).not.toContain('did you mean');
  });
});

describe('edit distance', () => {
  it('counts inserts, deletes, replacements and swapped neighbours as one edit each', () => {
    expect(editDistance('run', 'run')).toBe(0);
    expect(editDistance('runn', 'run')).toBe(1);
    expect(editDistance('flwo', 'flow')).toBe(1);
    expect(editDistance('jsn', 'json')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closest('lst', ['ls', 'logs', 'inspect'])).toEqual(['ls']);
    expect(closest('x', ['ls', 'logs'])).toEqual([]);
    expect(closestCommands(['flow-run', 'lgs'], ['flow-run ls', 'flow-run logs', 'run'])).toEqual(['flow-run ls', 'flow-run logs']);
  });
});
