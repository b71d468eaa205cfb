import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../app/engine/errors.js';
import { flow, task } from '../../../app/engine/index.js';
import { callScope } from '../../../app/engine/tasks/support/call-scope.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';

/** A full garbage collection now, as memory pressure would bring one in the middle of a call. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe("a built-in task call's scope", () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  it('fires its timeout inside a run even when a garbage collection comes while it waits', async () => {
    const waits = task({ name: 'waits' }, async () => {
      const scope = callScope('the slow call', 0.2);
      const fired = new Promise<unknown>((resolve) => scope.signal.addEventListener('abort', () => resolve(scope.reason())));
      for (let i = 0; i < 3; i++) {
        collectGarbage();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const reason = await fired;
      scope.release();
      return reason instanceof TimeoutError ? reason.message : String(reason);
    });
    const outcome = await flow({ name: 'scoped' }, () => waits()).run();
    expect(outcome.result).toBe('the slow call timed out after 0.2s');
  });

  it("follows its run's own stop, saying why the run stopped", async () => {
    let reason: unknown;
    const bounded = task({ name: 'bounded', timeoutSeconds: 0.2 }, async () => {
      const scope = callScope('a long call', 60);
      reason = await new Promise<unknown>((resolve) => scope.signal.addEventListener('abort', () => resolve(scope.reason())));
      scope.release();
    });
    const outcome = await flow({ name: 'bounded-call' }, () => bounded()).run();
    expect(outcome.ok).toBe(false);
    expect(reason).toBeInstanceOf(TimeoutError);
    expect((reason as Error).message).toBe("task run 'bounded-0' timed out after 0.2s");
  });
});
