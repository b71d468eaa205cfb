import type { RunStore } from '../store/run-store.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Tells the server's log once when the database stops taking writes and once when it takes them
 * again, rather than a stack for every request refused meanwhile. Returns a function that stops.
 */
export function logWriteHealth(store: RunStore, log: (line: string) => void): () => void {
  return store.onWriteHealth((change) => {
    if (change.kind === 'failing') {
      log(
        `${change.problem.message}. Until then the server stores nothing (its health says degraded) and flow processes keep their reports to send again`,
      );
    } else {
      log(`the database ${store.location} takes writes again, after ${seconds(change.at - change.problem.since)} of failed writes`);
    }
  });
}
