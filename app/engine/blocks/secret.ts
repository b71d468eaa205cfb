import { loadBlockDocument } from './load-block.js';
import { SECRET_MASK } from './secret-masks.js';

/**
 * A secret kept on the server (`flowdeck secret set NAME`): `(await Secret.load('db-password')).get()`.
 * Printed or serialised by mistake it shows the mask, never the value.
 */
export class Secret {
  readonly #value: string;

  private constructor(
    readonly name: string,
    value: string,
  ) {
    this.#value = value;
  }

  static async load(name: string): Promise<Secret> {
    const block = await loadBlockDocument(`secret/${name}`);
    return new Secret(name, block.data.value as string);
  }

  get(): string {
    return this.#value;
  }

  toString(): string {
    return SECRET_MASK;
  }

  toJSON(): string {
    return SECRET_MASK;
  }
}
