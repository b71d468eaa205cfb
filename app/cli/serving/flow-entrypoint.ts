import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { flowSource } from '../../engine/hosting.js';
import type { AnyFlow } from '../flow-files/load-flow-file.js';
import { projectRootOf } from '../deployments/find-project.js';
import { UsageError } from '../errors.js';
import { exportNameAt } from './export-name.js';

/** Where a deployment finds its flow: the flow's own file, its project, and `file:export` relative to that project. */
export interface FlowEntrypoint {
  /** The project folder: the nearest one up holding flowdeck.yaml or package.json, else the file's own. */
  root: string;
  /** The flow's file, absolute. */
  file: string;
  /** `path/in/project.ts:exportName`. */
  entrypoint: string;
}

/**
 * The entrypoint of a flow defined in a file on disk. `exported` says whether the flow must be an
 * export of it (a worker loads it by that export); without, a flow that is not exported is named
 * by its flow name, which `flowdeck flow-run retry` also finds.
 */
export function flowEntrypoint(flow: AnyFlow, method: 'deploy' | 'serve'): FlowEntrypoint {
  const source = flowSource(flow);
  if (!source) {
    throw new UsageError(`${method}() of flow '${flow.name}': cannot tell which file defines the flow; define it in a flow file on disk`);
  }
  const root = projectRootOf(source.file);
  const path = relative(root, source.file).split(sep).join('/');
  const exportName = exportNameAt(readFileSync(source.file, 'utf8'), source.line, source.column);
  if (exportName === null && method === 'deploy') {
    throw new UsageError(
      `deploy() of flow '${flow.name}': the flow is not exported by ${source.file}, so a worker cannot load it; ` +
        `export it where it is defined (\`export default flow(...)\` or \`export const ${safeIdentifier(flow.name)} = flow(...)\`)`,
    );
  }
  return { root, file: source.file, entrypoint: `${path}:${exportName ?? flow.name}` };
}

function safeIdentifier(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words.map((word, i) => (i === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('');
  return /^[A-Za-z_$]/.test(camel) ? camel : `flow${camel}`;
}
