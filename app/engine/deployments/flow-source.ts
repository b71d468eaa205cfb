import { fileURLToPath } from 'node:url';

/** Where a flow was defined: the call to `flow()` in its source file, as source maps tell it. */
export interface FlowSource {
  /** Absolute path of the source file. */
  file: string;
  line: number;
  column: number;
}

type AnyFunction = (...args: never[]) => unknown;

// Only the call sites are captured when a flow is defined; the stack is formatted (and source maps
// read) when a deployment asks where the flow lives.
const definitions = new WeakMap<AnyFunction, Error>();

/** Called by flow() itself, so the frame two below this one is the code that defined the flow. */
export function recordFlowDefinition(flow: AnyFunction, site: Error): void {
  definitions.set(flow, site);
}

const FRAME = /^\s*at (?:.*\()?(.+?):(\d+):(\d+)\)?$/;

/**
 * The source file and position of the `flow()` call that defined `flow`, or null when it is not a
 * file on disk (defined in a REPL, or by code whose frames cannot be read).
 */
export function flowSource(flow: AnyFunction): FlowSource | null {
  const site = definitions.get(flow);
  // The first two frames are makeFlow and flow() (or withOptions) inside the engine.
  const frame = site?.stack?.split('\n').filter((line) => FRAME.test(line))[2];
  const match = frame ? FRAME.exec(frame) : null;
  if (!match) return null;
  const location = match[1];
  const file = location.startsWith('file://') ? fileURLToPath(location.replace(/[?#].*$/, '')) : location;
  if (!file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)) return null;
  return { file, line: Number(match[2]), column: Number(match[3]) };
}
