// CPU-bound tasks on worker threads, so they run in parallel and a timeout really stops them.
//   flowdeck run resources/examples/cpu-threads.ts --param n=30
import { flow, task, WorkerThreadTaskRunner } from 'flowdeck';
import { z } from 'zod';

// Defined at the top level of the module, so a worker thread can import it.
const fib = task({ name: 'fib', timeoutSeconds: 60 }, (n: number): number => {
  const go = (k: number): number => (k < 2 ? k : go(k - 1) + go(k - 2));
  return go(n);
});

export default flow(
  {
    name: 'cpu-threads',
    parameters: z.object({ n: z.number().int().min(1).max(40).default(27) }),
    taskRunner: new WorkerThreadTaskRunner({ maxWorkers: 2 }),
  },
  async ({ n }: { n: number }) => fib.map([n, n - 1, n - 2, n - 3]).result(),
);
