/** Which of the server's blocks a node field can take by reference, and how each is offered. */
import type { BlockRead } from '../../../core/api/blocks.js';
import { SECRET_TYPE, type CredentialBinding } from '../../../core/flow-document/credentials.js';
import type { FieldSpec } from '../../../core/flow-document/node-kinds.js';

export interface CredentialChoice {
  /** What the picker's option value is: unique per choice. */
  key: string;
  label: string;
  binding: CredentialBinding;
}

/** The option value of a reference. */
export function choiceKey(binding: CredentialBinding): string {
  return binding.from === 'secret' ? `secret:${binding.name}` : `block:${binding.type}/${binding.name}`;
}

/** The blocks of the types the field lists, secrets first, each kind in name order. */
export function credentialChoices(spec: Pick<FieldSpec, 'credentialTypes'>, blocks: readonly BlockRead[]): CredentialChoice[] {
  const types = spec.credentialTypes ?? [];
  const fitting = blocks.filter((b) => types.includes(b.type));
  fitting.sort((a, b) => types.indexOf(a.type) - types.indexOf(b.type) || a.name.localeCompare(b.name));
  return fitting.map((block) => {
    const binding: CredentialBinding =
      block.type === SECRET_TYPE ? { from: 'secret', name: block.name } : { from: 'block', type: block.type, name: block.name };
    const label = block.type === SECRET_TYPE ? `Secret: ${block.name}` : `${block.type}: ${block.name}`;
    return { key: choiceKey(binding), label, binding };
  });
}

/** How the field's types read in a sentence: "secrets or sql-connection blocks". */
export function fittingTypesText(spec: Pick<FieldSpec, 'credentialTypes'>): string {
  const names = (spec.credentialTypes ?? []).map((t) => (t === SECRET_TYPE ? 'secrets' : `${t} blocks`));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
