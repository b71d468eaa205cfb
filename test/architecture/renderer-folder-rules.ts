import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { importsOf, sourceFiles, type ImportViolation } from './layer-rules.js';

/**
 * Which renderer folders each may import besides itself: the app composes the features, a feature
 * stands alone apart from app-wide services and shared parts, and shared parts know no feature.
 */
export const ALLOWED_FOLDER_IMPORTS: Record<string, readonly string[]> = {
  app: ['builder', 'monitor', 'deployments', 'work-pools', 'artifacts', 'variables', 'blocks', 'automations', 'shared'],
  builder: ['app', 'shared'],
  /** A run's page shows the run's artifacts as the artifacts feature draws them. */
  monitor: ['app', 'shared', 'artifacts'],
  deployments: ['app', 'shared'],
  'work-pools': ['app', 'shared'],
  artifacts: ['app', 'shared'],
  variables: ['app', 'shared'],
  blocks: ['app', 'shared'],
  automations: ['app', 'shared'],
  shared: [],
  /** Declarations of modules the bundler makes up. */
  types: [],
};

/** Features split into a React-free model and the UI over it. */
const FEATURES = new Set(['builder', 'monitor', 'deployments', 'work-pools', 'artifacts', 'variables', 'blocks', 'automations']);

/** The folder and, in a feature, the part (model or ui) a renderer path lies in; null outside the renderer or at its top. */
function placeOf(rendererDir: string, path: string): { folder: string; part?: string } | null {
  const segments = relative(rendererDir, path).split(sep);
  if (segments[0] === '..' || segments.length < 2) return null;
  return { folder: segments[0], part: FEATURES.has(segments[0]) ? segments[1] : undefined };
}

/** Checks one renderer file's relative imports against the folder rules. */
export function checkRendererFile(rendererDir: string, file: string, source: string): ImportViolation[] {
  const from = placeOf(rendererDir, file);
  if (!from) return [];
  if (!(from.folder in ALLOWED_FOLDER_IMPORTS)) {
    return [{ file, specifier: '', reason: `'${from.folder}' is not a renderer folder the rules name` }];
  }
  if (FEATURES.has(from.folder) && from.part !== 'model' && from.part !== 'ui') {
    return [{ file, specifier: '', reason: `${from.folder} keeps its files in model/ or ui/` }];
  }
  const violations: ImportViolation[] = [];
  for (const specifier of importsOf(source).filter((s) => s.startsWith('.'))) {
    const to = placeOf(rendererDir, resolve(dirname(file), specifier));
    if (!to || !(to.folder in ALLOWED_FOLDER_IMPORTS)) continue;
    if (to.folder !== from.folder && !ALLOWED_FOLDER_IMPORTS[from.folder].includes(to.folder)) {
      violations.push({ file, specifier, reason: `${from.folder} may not import ${to.folder}` });
    } else if (to.folder === from.folder && from.part === 'model' && to.part === 'ui') {
      violations.push({ file, specifier, reason: `${from.folder}/model may not import ${from.folder}/ui` });
    }
  }
  return violations;
}

export function checkRendererTree(rendererDir: string): ImportViolation[] {
  return sourceFiles(rendererDir).flatMap((file) => checkRendererFile(rendererDir, file, readFileSync(file, 'utf8')));
}
