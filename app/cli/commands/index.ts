import type { CommandDefinition } from '../command.js';

/** Every command the CLI knows; a new command is a new file and one line here. */
export const COMMANDS: readonly CommandDefinition[] = [];
