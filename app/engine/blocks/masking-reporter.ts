import type { RunReporter } from '../../core/index.js';
import { maskSecretsDeep } from './secret-masks.js';

type Handler = (...args: never[]) => unknown;

/**
 * The reporter with every loaded secret masked in what it records: states (their messages,
 * errors and results), task runs' inputs, and log lines. Until a secret is loaded it hands each
 * report on as it is. Everything else, the reporter's own extras included (an HTTP reporter's
 * outbox), is the reporter's own, so whoever made it can still use it as what it is.
 */
export function maskingReporter<R extends RunReporter>(reporter: R): R {
  const masked: Partial<Record<keyof RunReporter, Handler>> = {
    createFlowRun: (request: Parameters<RunReporter['createFlowRun']>[0]) => reporter.createFlowRun(maskSecretsDeep(request)),
    createTaskRun: (request: Parameters<RunReporter['createTaskRun']>[0]) => reporter.createTaskRun(maskSecretsDeep(request)),
    setState: (request: Parameters<RunReporter['setState']>[0]) => reporter.setState(maskSecretsDeep(request)),
    writeLogs: (lines: Parameters<RunReporter['writeLogs']>[0]) => reporter.writeLogs(maskSecretsDeep(lines)),
  };
  // Offered only when the reporter offers them: the engine picks its path by their presence.
  if (reporter.createTaskRunThen) {
    const then = reporter.createTaskRunThen.bind(reporter);
    masked.createTaskRunThen = (...[request, answered, failed]: Parameters<typeof then>) => then(maskSecretsDeep(request), answered, failed);
  }
  if (reporter.setStateThen) {
    const then = reporter.setStateThen.bind(reporter);
    masked.setStateThen = (...[request, answered, failed]: Parameters<typeof then>) => then(maskSecretsDeep(request), answered, failed);
  }
  return new Proxy(reporter, {
    get(target, property, _receiver) {
      const own = masked[property as keyof RunReporter];
      if (own) return own;
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the reporter itself, whose private fields a proxy does not have.
      return typeof value === 'function' ? (value as Handler).bind(target) : value;
    },
  });
}
