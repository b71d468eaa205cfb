import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkTree, importsOf } from './layer-rules.js';

const APP = resolve(import.meta.dirname, '../../app');

describe('layer rules', () => {
  it('every import in app/ goes a way DESIGN.md allows', () => {
    expect(checkTree(APP)).toEqual([]);
  });

  it('finds static, dynamic and side-effect imports', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "const d = await import('./d.js');",
      "import './e.js';",
    ].join('\n');
    expect(importsOf(source)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js']);
  });

  it('reports a wrong-way import', () => {
    const file = join(APP, 'engine', 'example.ts');
    const violations = checkFile(APP, file, "import { openStore } from '../server/index.js';");
    expect(violations).toEqual([{ file, specifier: '../server/index.js', reason: 'engine may not import server' }]);
  });

  it('keeps core free of Node built-ins and of other layers', () => {
    const file = join(APP, 'core', 'example.ts');
    expect(checkFile(APP, file, "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(checkFile(APP, file, "import { x } from '../engine/index.js';")).toHaveLength(1);
    expect(checkFile(APP, file, "import { z } from 'zod';")).toEqual([]);
  });

  it('lets the CLI use every layer below it', () => {
    const file = join(APP, 'cli', 'example.ts');
    const source = "import '../core/index.js';\nimport '../engine/index.js';\nimport '../server/index.js';";
    expect(checkFile(APP, file, source)).toEqual([]);
  });
});
