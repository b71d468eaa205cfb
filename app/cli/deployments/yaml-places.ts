import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';

export type KeyPath = readonly (string | number)[];

/** `deployments[1].schedules[0].cron`, as a message names a place in the file. */
export function keyPathText(path: KeyPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** One thing wrong in the file: the line it is on, where in the document, and what. */
export interface YamlProblem {
  line: number;
  path: KeyPath;
  message: string;
}

/** A parsed YAML file that can say on which line any key or item of it is. */
export class YamlPlaces {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
  }

  /** The file's syntax errors, each on its line. */
  syntaxProblems(): YamlProblem[] {
    return this.doc.errors.map((error) => ({
      line: error.linePos?.[0].line ?? this.lines.linePos(error.pos[0]).line,
      path: [],
      message: error.message.split('\n')[0],
    }));
  }

  /** The line of the key at `path` (of its item, for an index), or of the nearest place above it that is in the file. */
  lineOf(path: KeyPath): number {
    for (let length = path.length; length > 0; length--) {
      const line = this.ownLine(path.slice(0, length));
      if (line !== null) return line;
    }
    const start = this.doc.contents?.range?.[0];
    return start === undefined ? 1 : this.lines.linePos(start).line;
  }

  private ownLine(path: KeyPath): number | null {
    const last = path[path.length - 1];
    const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    if (typeof last === 'string' && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      const start = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      if (start !== undefined) return this.lines.linePos(start).line;
    }
    const node = this.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const start = node && typeof node === 'object' ? node.range?.[0] : undefined;
    return start === undefined ? null : this.lines.linePos(start).line;
  }
}
