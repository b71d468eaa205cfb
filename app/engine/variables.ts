import type { StoredVariable } from '../core/api/variables.js';
import { variableNameProblem, variableProblems } from '../core/api/variable-rules.js';
import { engineSettings } from './runtime.js';

/**
 * Where flow code reads and writes variables: the local store, or the server the run reports to.
 * Set by whoever starts flows (the CLI's prepareEngine), the way the reporter is.
 */
export interface VariableHost {
  getVariable(name: string): Promise<StoredVariable | null>;
  setVariable(name: string, request: { value: unknown; tags?: readonly string[]; overwrite: boolean }): Promise<StoredVariable>;
  /** False when there was no such variable. */
  deleteVariable(name: string): Promise<boolean>;
}

export interface SetVariableOptions {
  /** Replace the variable's tags; left out, one that exists keeps its own. */
  tags?: readonly string[];
  /** Replace a variable that exists; without it, setting one that exists is refused, as in Prefect. */
  overwrite?: boolean;
}

function requireHost(call: string): VariableHost {
  const host = engineSettings().variables;
  if (!host) {
    throw new Error(
      `${call}: no variables are within reach: run flow files with \`flowdeck run FILE\` (or a worker), ` +
        'which hands them the local store or the server the run reports to, or call configureEngine({ variables }) first',
    );
  }
  return host;
}

/** Refuses what no store would take before asking one, naming the field and the limit. */
function refuse(call: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new TypeError(`${call}: ${problems.join('; ')}`);
}

function nameProblems(name: string): string[] {
  const problem = variableNameProblem(name);
  return problem ? [`name: ${problem}`] : [];
}

/**
 * Shared JSON values kept by name in the store or on the server, as Prefect's variables:
 * `await Variable.get('name', fallback)`, `await Variable.set('name', value, { overwrite: true })`.
 */
export class Variable {
  private constructor() {}

  /**
   * The value of the variable, or `fallback` when it is not set (undefined when no fallback is
   * given). A variable set to `null` is set: its value, null, is returned.
   */
  static async get<T = unknown>(name: string): Promise<T | undefined>;
  static async get<T>(name: string, fallback: T): Promise<T>;
  static async get<T>(name: string, fallback?: T): Promise<T | undefined> {
    const call = `Variable.get('${name}')`;
    refuse(call, nameProblems(name));
    const variable = await requireHost(call).getVariable(name);
    return variable ? (variable.value as T) : fallback;
  }

  /**
   * Sets the variable to a JSON value of at most 5,000 characters serialised and answers it as
   * stored. A variable that exists is replaced only with `overwrite: true`.
   */
  static async set(name: string, value: unknown, options: SetVariableOptions = {}): Promise<StoredVariable> {
    const call = `Variable.set('${name}')`;
    refuse(call, variableProblems({ name, value, tags: options.tags }));
    const host = requireHost(call);
    return host.setVariable(name, { value, tags: options.tags, overwrite: options.overwrite ?? false });
  }

  /** Removes the variable; true when there was one. */
  static async unset(name: string): Promise<boolean> {
    const call = `Variable.unset('${name}')`;
    refuse(call, nameProblems(name));
    return requireHost(call).deleteVariable(name);
  }
}
