// The CLI's exit codes are a contract (README, scripts that call flowdeck): commands name them
// from app/cli/errors.ts rather than spelling the numbers.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '../../app/cli');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Lines of a command's run that return an exit code as a bare number. */
function bareExitCodes(source: string): number[] {
  const lines: number[] = [];
  source.split('\n').forEach((line, index) => {
    if (/\breturn\s+[0-3]\s*;/.test(line) || /\breturn\s+[^;]*\?\s*[0-3]\s*:\s*[0-3]\s*;/.test(line)) lines.push(index + 1);
  });
  return lines;
}

describe('exit codes in the CLI', () => {
  it('are named, never bare numbers, in every command and in what runs them', () => {
    const files = [...sourceFiles(join(CLI, 'commands')), ...sourceFiles(join(CLI, 'flow-files')), join(CLI, 'main.ts')];
    const found = files.flatMap((file) => bareExitCodes(readFileSync(file, 'utf8')).map((line) => `${relative(CLI, file)}:${line}`));
    expect(found).toEqual([]);
  });

  it('finds a bare one', () => {
    expect(bareExitCodes('  run() {\n    return 0;\n  }')).toEqual([2]);
    expect(bareExitCodes('    return ok ? 0 : 1;')).toEqual([1]);
    expect(bareExitCodes('    return EXIT_OK;')).toEqual([]);
  });
});
