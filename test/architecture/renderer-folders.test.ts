import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRendererFile, checkRendererTree } from './renderer-folder-rules.js';

const RENDERER = resolve(import.meta.dirname, '../../app/renderer');

describe('renderer folder rules', () => {
  it('every import in app/renderer goes a way the folder rules allow', () => {
    expect(checkRendererTree(RENDERER)).toEqual([]);
  });

  it('keeps one feature out of another', () => {
    const file = join(RENDERER, 'builder', 'ui', 'Example.tsx');
    const violations = checkRendererFile(RENDERER, file, "import { x } from '../../monitor/model/run-graph.js';");
    expect(violations).toEqual([{ file, specifier: '../../monitor/model/run-graph.js', reason: 'builder may not import monitor' }]);
  });

  it('keeps shared parts free of features and of the app', () => {
    const file = join(RENDERER, 'shared', 'example.ts');
    expect(checkRendererFile(RENDERER, file, "import { x } from '../app/ui-store.js';")).toHaveLength(1);
    expect(checkRendererFile(RENDERER, file, "import { x } from '../builder/model/store.js';")).toHaveLength(1);
    expect(checkRendererFile(RENDERER, file, "import { x } from './format.js';\nimport { y } from '../../core/states.js';")).toEqual([]);
  });

  it("keeps a feature's model free of its UI", () => {
    const file = join(RENDERER, 'monitor', 'model', 'example.ts');
    const violations = checkRendererFile(RENDERER, file, "import { x } from '../ui/RunsTable.js';");
    expect(violations).toEqual([{ file, specifier: '../ui/RunsTable.js', reason: 'monitor/model may not import monitor/ui' }]);
  });

  it('lets the app compose the features', () => {
    const file = join(RENDERER, 'app', 'Example.tsx');
    const source = "import '../builder/ui/BuilderPage.js';\nimport '../monitor/ui/MonitorShell.js';\nimport '../shared/Modal.js';";
    expect(checkRendererFile(RENDERER, file, source)).toEqual([]);
  });

  it('reports a file outside the named folders', () => {
    const file = join(RENDERER, 'views', 'Example.tsx');
    expect(checkRendererFile(RENDERER, file, '')).toEqual([{ file, specifier: '', reason: "'views' is not a renderer folder the rules name" }]);
    const loose = join(RENDERER, 'builder', 'Example.tsx');
    expect(checkRendererFile(RENDERER, loose, '')).toEqual([{ file: loose, specifier: '', reason: 'builder keeps its files in model/ or ui/' }]);
  });
});
