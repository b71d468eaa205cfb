// A flow that fails: its task throws and the flow does not catch it, so the flow run ends
// Failed and `flowdeck run` exits with code 1. The error and its stack are in the state history.
//   flowdeck run resources/examples/failure.ts; echo $?
import { flow, getRunLogger, task } from 'flowdeck';

const validate = task({ name: 'validate' }, (rows: { id: number; email: string }[]) => {
  getRunLogger().info(`validating ${rows.length} rows`);
  const bad = rows.filter((row) => !row.email.includes('@'));
  if (bad.length > 0) throw new Error(`${bad.length} row(s) have no valid email: ids ${bad.map((r) => r.id).join(', ')}`);
  return rows.length;
});

export default flow({ name: 'failure' }, async () => {
  return validate([{ id: 1, email: 'ada@example.com' }, { id: 2, email: 'not-an-email' }]);
});
