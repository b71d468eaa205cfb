/** Every flow and task defined in this process, so they can be found by name or by module. */
interface Registered {
  name: string;
  /** The module that defined it, when it could be told from the call stack. */
  moduleUrl: string | null;
}

const flows: Registered[] = [];
const tasksByModule = new Map<string, Map<string, unknown>>();
const taskNames = new Set<string>();

export function registerFlow<F extends Registered>(flow: F): F {
  flows.push(flow);
  return flow;
}

export function registeredFlows(): readonly Registered[] {
  return flows;
}

/** Registers a task under its module and a key unique within it; returns that key. */
export function registerTask(moduleUrl: string | null, name: string, task: unknown): string {
  taskNames.add(name);
  if (!moduleUrl) return name;
  let tasks = tasksByModule.get(moduleUrl);
  if (!tasks) {
    tasks = new Map();
    tasksByModule.set(moduleUrl, tasks);
  }
  let key = name;
  for (let n = 2; tasks.has(key); n++) key = `${name}#${n}`;
  tasks.set(key, task);
  return key;
}

/** The names of every task defined in this process, for a debug run to check its breakpoints by. */
export function registeredTaskNames(): ReadonlySet<string> {
  return taskNames;
}

export function findTask(moduleUrl: string, key: string): unknown {
  return tasksByModule.get(moduleUrl)?.get(key);
}

const ENGINE_DIR = new URL('.', import.meta.url).href;

/** The module that called into the engine: the first frame of the stack outside it. */
export function callerModuleUrl(): string | null {
  // Raw call sites, so source maps cannot turn the engine's own frames into other paths.
  const original = Error.prepareStackTrace;
  let sites: NodeJS.CallSite[];
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    sites = (new Error().stack as unknown as NodeJS.CallSite[]) ?? [];
  } finally {
    Error.prepareStackTrace = original;
  }
  for (const site of sites) {
    const file = site.getFileName();
    if (!file) continue;
    const url = file.startsWith('/') ? `file://${file}` : file;
    if (url.startsWith(ENGINE_DIR) || url.startsWith('node:')) continue;
    return url;
  }
  return null;
}
