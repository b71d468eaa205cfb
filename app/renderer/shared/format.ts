/** How long something took, as a person reads it: 850 ms, 4.2 s, 3 min 5 s, 2 h 4 min. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** Large values are cut before they reach the page: a result can be megabytes. */
const SHOWN_VALUE_CHARS = 4000;

/** A stored value (JSON text) made readable, and cut to a size a page can hold. */
export function shownValue(text: string | null, limit = SHOWN_VALUE_CHARS): { text: string; cut: number } {
  if (text === null) return { text: 'nothing', cut: 0 };
  let pretty = text;
  // Pretty-printing is only worth it for values small enough to show whole.
  if (text.length <= limit) {
    try {
      pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      pretty = text;
    }
  }
  if (pretty.length <= limit) return { text: pretty, cut: 0 };
  // Cut at a code point boundary, never inside a surrogate pair.
  let end = limit;
  const code = pretty.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { text: pretty.slice(0, end), cut: pretty.length - end };
}

/** `Error: message` or `TypeError [ERR_X]: message`, as a stack's first line names the error. */
const STACK_HEADING = /^[\w$.]+(?: \[[^\]]*\])?: /;

/**
 * The frames of an error's stack, without the heading that repeats its name and message (shown
 * beside it already); null when the stack says nothing more.
 */
export function stackFrames(error: { name: string; message: string; stack?: string }): string | null {
  const stack = error.stack;
  if (!stack) return null;
  let rest = stack;
  const heading = STACK_HEADING.exec(stack);
  if (heading && stack.startsWith(error.message, heading[0].length)) rest = stack.slice(heading[0].length + error.message.length);
  else if (error.message !== '' && stack.startsWith(error.message)) rest = stack.slice(error.message.length);
  else if (error.message === '' && /^[\w$.]+(?:\n|$)/.test(stack)) rest = stack.slice(stack.split('\n')[0].length);
  // What is left began on the heading's line only when the heading was not what we took it for.
  if (rest !== stack && rest !== '' && !rest.startsWith('\n')) return stack;
  rest = rest.replace(/^\n/, '');
  return rest.trim() === '' ? null : rest;
}
