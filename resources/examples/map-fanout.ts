// Fan out with map (one task run per item), then fan in. Futures passed to a task are awaited
// first and recorded as its upstream runs.
//   flowdeck run resources/examples/map-fanout.ts --param count=25
import { flow, task, unmapped } from 'flowdeck';
import { z } from 'zod';

const score = task({ name: 'score', taskRunName: 'score-{item}' }, (item: number, weight: number) => item * weight);
const total = task({ name: 'total' }, (values: number[]) => values.reduce((a, b) => a + b, 0));

export default flow(
  {
    name: 'map-fanout',
    parameters: z.object({ count: z.number().int().min(1).default(10), weight: z.number().default(2) }),
  },
  async ({ count, weight }: { count: number; weight: number }) => {
    const scores = score.map(Array.from({ length: count }, (_, i) => i + 1), unmapped(weight));
    return total(await scores.result());
  },
);
