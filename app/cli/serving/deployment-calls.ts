import { engineSettings } from '../../engine/hosting.js';
import type { HttpReporter } from '../../engine/reporting/index.js';
import type { CliContext } from '../context.js';
import { EXIT_OK, EXIT_SERVER, type ExitCode } from '../errors.js';
import type { RunProgress } from '../output/run-progress.js';
import { CliDeploymentHost } from './cli-deployment-host.js';

function cliHost(): CliDeploymentHost | null {
  const host = engineSettings().deploymentHost;
  return host instanceof CliDeploymentHost ? host : null;
}

/** How many deploy() and serve() calls the CLI's host carried out in this process. */
export function deploymentCallsCarriedOut(): number {
  return cliHost()?.carriedOut ?? 0;
}

/** From now on deploy() and serve() calls register and serve (the file has loaded without doing so). */
export function carryOutDeploymentCalls(): void {
  const host = cliHost();
  if (!host) throw new Error('prepareEngine() has not handed the engine the CLI deployment host');
  host.acting = true;
}

/**
 * Ends a `flowdeck run` of a file that was run for its deploy() or serve() calls: what the served
 * runs reported is stored before the process ends, and a server that did not store all of it is
 * no success.
 */
export async function endDeploymentFile(ctx: CliContext, progress: RunProgress): Promise<ExitCode> {
  const reporter = engineSettings().reporter!;
  const http = ctx.server.kind === 'remote' ? (reporter as HttpReporter) : null;
  if (http) await http.close();
  else await reporter.flush();
  progress.finish();
  const undelivered = http?.undelivered() ?? null;
  if (http && undelivered) {
    ctx.note(
      `${ctx.colors.red('error:')} the server at ${http.target} did not store ${undelivered.operations} operation(s) and ${undelivered.logLines} log line(s) of the served runs; ` +
        `they are kept in ${undelivered.outbox} and delivered by the next 'flowdeck run' against this server`,
    );
    return EXIT_SERVER;
  }
  return EXIT_OK;
}
