// A flaky task that succeeds on its third attempt. Every attempt is recorded with its error:
//   flowdeck run resources/examples/retries.ts
//   flowdeck task-run inspect <id>     (shows Running, AwaitingRetry, Retrying, ... Completed)
import { exponentialBackoff, flow, getRunContext, getRunLogger, task } from 'flowdeck';

const fetchQuote = task(
  {
    name: 'fetch-quote',
    retries: 3,
    retryJitterFactor: 0.2,
    tags: ['api'],
    retryDelaySeconds: exponentialBackoff(0.1),
    // Bad input will not get better by trying again.
    retryCondition: (_task, _run, error) => !(error instanceof TypeError),
  },
  async (symbol: string) => {
    const attempt = getRunContext().taskRun?.attempt ?? 1;
    if (attempt < 3) throw new Error(`quote service unavailable (attempt ${attempt})`);
    getRunLogger().info(`got a quote for ${symbol} on attempt ${attempt}`);
    return 101.5;
  },
);

export default flow({ name: 'retries' }, async () => fetchQuote('FDK'));
