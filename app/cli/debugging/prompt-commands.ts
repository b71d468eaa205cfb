import { UsageError } from '../errors.js';
import { parseInputs, parseResult } from './breakpoint-replies.js';

/** What one line typed at the debugger's prompt asks for. */
export type PromptCommand =
  | { kind: 'continue' }
  | { kind: 'step' }
  | { kind: 'inputs'; inputs: unknown[] }
  | { kind: 'skip'; result: unknown }
  | { kind: 'fail' }
  | { kind: 'print' }
  | { kind: 'quit' }
  | { kind: 'help' }
  | { kind: 'nothing' }
  | { kind: 'invalid'; message: string };

const WORDS: Record<string, PromptCommand['kind']> = {
  c: 'continue',
  continue: 'continue',
  s: 'step',
  step: 'step',
  i: 'inputs',
  inputs: 'inputs',
  k: 'skip',
  skip: 'skip',
  f: 'fail',
  fail: 'fail',
  p: 'print',
  print: 'print',
  q: 'quit',
  quit: 'quit',
  '?': 'help',
  h: 'help',
  help: 'help',
};

/** The lines `?` prints. */
export const PROMPT_HELP = [
  'c           continue: run it, on to the next breakpoint (with several stopped: all of them)',
  's           step: run it, then stop before the next task run',
  'i JSON      continue with edited inputs, a JSON array of its arguments, e.g. i [10]',
  'k JSON      skip it: it does not run and completes with this result, e.g. k null',
  'f           let it fail as it would have (only when it stopped on its failure)',
  'p           print its inputs again',
  'q           stop: cancel the flow run',
  '?           this help',
];

/** Reads one line typed at the prompt; never throws: a line that does not fit says why. */
export function parsePromptLine(line: string): PromptCommand {
  const text = line.trim();
  if (text === '') return { kind: 'nothing' };
  const space = text.search(/\s/);
  const word = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : text.slice(space).trim();
  const kind = WORDS[word];
  if (!kind) return { kind: 'invalid', message: `unknown command '${word}'; type ? for the commands` };
  try {
    switch (kind) {
      case 'inputs':
        if (rest === '') return { kind: 'invalid', message: 'i needs the inputs as a JSON array of the arguments, e.g. i [10]' };
        return { kind, inputs: parseInputs(rest, 'the inputs', 'i [10, "text"]') };
      case 'skip':
        if (rest === '') return { kind: 'invalid', message: 'k needs the result to complete with, as JSON, e.g. k null or k {"rows":3}' };
        return { kind, result: parseResult(rest, 'the result', 'k {"rows":3} or k null') };
      default:
        if (rest !== '') return { kind: 'invalid', message: `${word} takes nothing after it; type ? for the commands` };
        return { kind } as PromptCommand;
    }
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'invalid', message: error.message };
    throw error;
  }
}
