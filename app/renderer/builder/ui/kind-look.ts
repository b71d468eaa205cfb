import { nodeKind } from '../../../core/flow-document/node-kinds.js';

/** A short mark per kind, drawn in text so it needs no icon font. */
const GLYPHS: Record<string, string> = {
  code: '{ }',
  httpRequest: 'HTTP',
  sqlQuery: 'SQL',
  shellCommand: '>_',
  readFile: 'READ',
  writeFile: 'WRITE',
  transform: 'fx',
  notify: 'MSG',
  branch: 'IF',
  map: 'MAP',
  subflow: 'FLOW',
  pause: 'WAIT',
};

export function kindGlyph(kind: string): string {
  return GLYPHS[kind] ?? '•';
}

export function kindLabel(kind: string): string {
  return nodeKind(kind)?.label ?? kind;
}

export const CATEGORY_LABELS: Record<string, string> = {
  code: 'Code',
  network: 'Network',
  data: 'Data',
  files: 'Files',
  system: 'System',
  messaging: 'Messaging',
  control: 'Control flow',
};
