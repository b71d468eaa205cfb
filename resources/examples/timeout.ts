// A task that takes too long is stopped: its AbortSignal fires and it ends TimedOut.
//   flowdeck run resources/examples/timeout.ts; echo $?     (exit code 1)
import { flow, getRunContext, task } from 'flowdeck';

const slowDownload = task({ name: 'slow-download', timeoutSeconds: 0.5 }, async () => {
  const { signal } = getRunContext();
  // Any cancellable API takes the signal; here, a timer that stops when it fires.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, 10_000);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
  return 'downloaded';
});

export default flow({ name: 'timeout' }, async () => slowDownload());
