// A flow that calls other flows like functions: each call is a child flow run linked to its
// parent, and a task run of the parent named after the child.
//   flowdeck run resources/examples/subflow.ts
//   flowdeck flow-run inspect ID    (the parent lists its subflow runs)
import { flow, getRunLogger, task } from 'flowdeck';

const extract = task({ name: 'extract' }, (source: string) => [`${source}-1`, `${source}-2`, `${source}-3`]);
const load = task({ name: 'load' }, (rows: string[]) => rows.length);

const ingest = flow({ name: 'ingest', flowRunName: 'ingest-{source}' }, async (source: string) => {
  const rows = await extract(source);
  getRunLogger().info(`extracted ${rows.length} rows from ${source}`);
  return load(rows);
});

const total = task({ name: 'total' }, (counts: number[]) => counts.reduce((a, b) => a + b, 0));

export default flow({ name: 'nightly' }, async () => {
  const counts = await Promise.all(['crm', 'billing'].map((source) => ingest(source)));
  return total(counts);
});
