// The task panel shows an error's name and message once, above the frames of its stack.
import { describe, expect, it } from 'vitest';
import { stackFrames } from '../../app/renderer/shared/format.js';

/** An error as the engine stores it. */
function stored(error: Error) {
  return { name: error.name, message: error.message, stack: error.stack };
}

class UpstreamError extends Error {
  override name = 'UpstreamError';
}

describe("an error's stack frames", () => {
  it('leave out the heading that repeats the name and message', () => {
    for (const error of [
      new Error('upstream said no (1)'),
      new TypeError('two\nlines'),
      new UpstreamError('late name'),
      Object.assign(new Error('coded'), { code: 'E_X' }),
    ]) {
      const frames = stackFrames(stored(error));
      expect(frames, error.message).not.toBeNull();
      expect(frames!.startsWith('    at '), error.message).toBe(true);
      expect(frames, error.message).not.toContain(error.message);
    }
  });

  it('handle an empty message, a stack without a heading, and no stack', () => {
    expect(stackFrames(stored(new Error('')))!.startsWith('    at ')).toBe(true);
    expect(stackFrames({ name: 'Error', message: 'boom', stack: '    at work (flow.ts:3:9)' })).toBe('    at work (flow.ts:3:9)');
    expect(stackFrames({ name: 'Error', message: 'boom', stack: 'Error: boom' })).toBeNull();
    expect(stackFrames({ name: 'Error', message: 'boom' })).toBeNull();
    // A heading that only starts like the message is not cut.
    expect(stackFrames({ name: 'Error', message: 'boo', stack: 'Error: boom\n    at x' })).toBe('Error: boom\n    at x');
  });
});
