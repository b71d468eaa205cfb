import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const RENDERER = resolve(import.meta.dirname, '../../app/renderer');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Effects written `useEffect(() => expression)`: whatever the expression returns, React calls as a cleanup. */
function expressionBodiedEffects(source: string): number[] {
  const lines: number[] = [];
  source.split('\n').forEach((line, index) => {
    if (/\buse(Layout)?Effect\(\s*\(\)\s*=>\s*(?![\s{])/.test(line)) lines.push(index + 1);
  });
  return lines;
}

describe('React effects in the renderer', () => {
  it('have block bodies, so a DOM call that returns a promise is never taken for a cleanup', () => {
    const found = sourceFiles(RENDERER).flatMap((file) =>
      expressionBodiedEffects(readFileSync(file, 'utf8')).map((line) => `${relative(RENDERER, file)}:${line}`),
    );
    expect(found).toEqual([]);
  });

  it('finds an effect with an expression body', () => {
    expect(expressionBodiedEffects('useEffect(() => ref.current?.scrollIntoView(), [n]);\nuseEffect(() => {\n  go();\n}, []);')).toEqual([1]);
  });
});
