// Caching by inputs: the second run (in another process) reuses the persisted result and the
// task run ends in state Cached.
//   flowdeck run resources/examples/caching.ts --param n=12
//   flowdeck run resources/examples/caching.ts --param n=12   # Cached, no waiting
import { flow, getRunLogger, task } from 'flowdeck';
import { z } from 'zod';

const slowSquare = task(
  { name: 'slow-square', cacheExpirationSeconds: 3600, cachePolicy: 'inputs' },
  async (n: number) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    getRunLogger().info(`computed ${n}² the slow way`);
    return n * n;
  },
);

export default flow(
  { name: 'caching', parameters: z.object({ n: z.number().default(7) }) },
  async ({ n }: { n: number }) => slowSquare(n),
);
