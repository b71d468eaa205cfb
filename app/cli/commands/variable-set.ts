import { ApiError } from '../../core/api/errors.js';
import type { CommandRun } from '../command.js';
import { flag, stringListOption } from '../command-helpers.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { StoreError } from '../../server/store/store-error.js';
import { openVariables } from '../variables/variables-source.js';
import { checkVariable, parseVariableValue, valuePreview } from '../variables/variable-text.js';

/** `flowdeck variable set`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const [name, raw] = args.positionals;
  const value = parseVariableValue(raw);
  const tags = stringListOption(args, 'tag');
  checkVariable(name, value, tags);
  const overwrite = flag(args, 'overwrite');
  const variables = await openVariables(ctx);
  try {
    const before = overwrite ? await variables.getVariable(name) : null;
    const stored = await variables.setVariable(name, { value, tags: tags.length > 0 ? tags : undefined, overwrite });
    ctx.print(`${before ? 'Replaced' : 'Set'} variable '${stored.name}' to ${valuePreview(stored.value, 80)}.`);
  } catch (error) {
    if ((error instanceof StoreError && error.code === 'CONFLICT') || (error instanceof ApiError && error.status === 409)) {
      throw new UsageError(`variable '${name}' already exists; pass --overwrite to replace its value`);
    }
    throw error;
  }
  return EXIT_OK;
};
