// Tag concurrency limits hold across every process that uses the same store:
//   flowdeck concurrency-limit create warehouse 2
//   flowdeck run resources/examples/concurrency.ts
// At most two 'warehouse' task runs execute at once; the rest wait in AwaitingConcurrencySlot.
import { flow, getRunLogger, task } from 'flowdeck';

const query = task({ name: 'query', tags: ['warehouse'] }, async (table: string) => {
  getRunLogger().info(`querying ${table}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return `${table}: ok`;
});

export default flow({ name: 'concurrency' }, async () =>
  query.map(['orders', 'customers', 'invoices', 'products', 'returns']).result(),
);
