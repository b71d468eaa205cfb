import type { StoredVariable } from '../../core/api/variables.js';

/** Which variables a listing wants, sorted by name. */
export interface VariableFilter {
  /** Only variables with every one of these tags. */
  tags?: readonly string[];
  /** Only variables whose name contains this text, in any case. */
  nameContains?: string;
}

/** What setting a variable writes. */
export interface SetVariableRequest {
  value: unknown;
  /** Replaces the tags; left out, a variable that exists keeps its own. */
  tags?: readonly string[];
  /** False refuses (StoreError CONFLICT) to replace a variable that exists. */
  overwrite: boolean;
}

/**
 * Variables: shared JSON values kept by name. Names, values and tags are checked against the
 * rules in core (variable-rules.ts); a refusal is a StoreError INVALID naming the field.
 */
export interface VariableStore {
  listVariables(filter?: VariableFilter): Promise<StoredVariable[]>;
  getVariable(name: string): Promise<StoredVariable | null>;
  setVariable(name: string, request: SetVariableRequest): Promise<StoredVariable>;
  /** False when there was no such variable. */
  deleteVariable(name: string): Promise<boolean>;
}
