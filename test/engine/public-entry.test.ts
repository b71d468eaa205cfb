// `import 'flowdeck'` is what flow authors use; whatever runs flows imports engine/hosting.ts.
// Listing the public entry here makes a hosting name that leaks back into it fail.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SDK_EXPORTS } from '../../app/core/flow-document/node-kinds.js';
import * as hosting from '../../app/engine/hosting.js';
import * as sdk from '../../app/engine/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = resolve(ROOT, 'app/engine/index.ts');

const VALUES = [
  'AllowFailure',
  'CachePolicies',
  'CancelledError',
  'ConcurrentTaskRunner',
  'FutureList',
  'ParameterValidationError',
  'PauseTimeoutError',
  'RunAbortedError',
  'Secret',
  'TaskRunFuture',
  'TimeoutError',
  'Unmapped',
  'UpstreamFailedError',
  'Variable',
  'WaitFor',
  'WorkerThreadTaskRunner',
  'allowFailure',
  'createLinkArtifact',
  'createMarkdownArtifact',
  'createProgressArtifact',
  'createTableArtifact',
  'exponentialBackoff',
  'flow',
  'getRunContext',
  'getRunLogger',
  'loadBlock',
  'pauseFlowRun',
  'serve',
  'task',
  'unmapped',
  'updateProgressArtifact',
  'waitFor',
];

const TYPES = [
  'ArtifactOptions',
  'ArtifactTable',
  'CacheKeyContext',
  'CachePolicy',
  'Flow',
  'FlowOptions',
  'Hook',
  'LinkArtifactOptions',
  'Logger',
  'PauseOptions',
  'RunContext',
  'RunInfo',
  'ServableDeployment',
  'SetVariableOptions',
  'State',
  'StateType',
  'Task',
  'TaskCall',
  'TaskOptions',
  'TaskRunner',
];

function isTypeOnlyExport(declaration: ts.Declaration): boolean {
  return ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly);
}

/** Every name the entry exports, values and types alike, as the compiler sees it. */
function declaredExports(file: string): { values: string[]; types: string[] } {
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const values: string[] = [];
  const types: string[] = [];
  for (const symbol of checker.getExportsOfModule(module)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const typeOnly = !(target.flags & ts.SymbolFlags.Value) || (symbol.declarations ?? []).some(isTypeOnlyExport);
    (typeOnly ? types : values).push(symbol.name);
  }
  return { values: values.sort(), types: types.sort() };
}

/** The names imported from `flowdeck` in a piece of TypeScript. */
function namesImportedFromSdk(source: string): string[] {
  return [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'flowdeck'/g)].flatMap((m) =>
    m[1]
      .split(',')
      .map((name) => name.trim().replace(/^type\s+/, ''))
      .filter(Boolean),
  );
}

describe("the SDK's public entry", () => {
  it('exports exactly what flow authors use, at run time', () => {
    expect(Object.keys(sdk).sort()).toEqual(VALUES);
  });

  it('declares exactly those values and the types authors write', () => {
    expect(declaredExports(ENTRY)).toEqual({ values: VALUES, types: TYPES });
  });

  it('keeps hosting out: nothing of engine/hosting.ts is exported by it', () => {
    expect(Object.keys(hosting).filter((name) => name in sdk)).toEqual([]);
  });

  it('is the only entry the package exposes beside the built-in tasks', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
    expect(Object.fromEntries(Object.entries(pkg.exports).map(([key, entry]) => [key, entry.default]))).toEqual({
      '.': './dist/app/engine/index.js',
      './tasks': './dist/app/engine/tasks/index.js',
    });
  });

  it('has every name generated code may import from it', () => {
    expect(SDK_EXPORTS.filter((name) => !(name in sdk))).toEqual([]);
  });

  it("has every name README's examples and the bundled examples import", () => {
    const examples = resolve(ROOT, 'resources/examples');
    const sources = [
      readFileSync(resolve(ROOT, 'README.md'), 'utf8'),
      ...readdirSync(examples).map((f) => readFileSync(resolve(examples, f), 'utf8')),
    ];
    const names = new Set(sources.flatMap(namesImportedFromSdk));
    expect(names.size).toBeGreaterThan(5);
    expect([...names].filter((name) => !VALUES.includes(name) && !TYPES.includes(name))).toEqual([]);
  });
});
