// The smallest useful flow: typed parameters, a task, and run logs.
// Run it: flowdeck run resources/examples/hello.ts --param name=Ada
import { flow, getRunLogger, task } from 'flowdeck';
import { z } from 'zod';

const greet = task({ name: 'greet' }, (name: string) => {
  const line = `Hello, ${name}!`;
  getRunLogger().info(line);
  return line;
});

export default flow(
  {
    name: 'hello',
    parameters: z.object({ name: z.string().default('world'), times: z.number().int().min(1).default(1) }),
    flowRunName: 'hello-{name}',
  },
  async ({ name, times }: { name: string; times: number }) => greet.map(Array(times).fill(name)).result(),
);
