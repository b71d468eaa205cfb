import { register } from 'node:module';

/**
 * True in the CLI's bundle (scripts/build-cli.mjs defines it), where every module sits in one
 * folder beside the entries flow files must share with the CLI: flowdeck.js, flowdeck-tasks.js and
 * zod.js. Built by tsc, or run from the sources, the engine's modules keep their folders.
 */
declare const FLOWDECK_BUNDLE: boolean | undefined;
const BUNDLED = typeof FLOWDECK_BUNDLE !== 'undefined' && FLOWDECK_BUNDLE;

let registered = false;

/** The engine's public modules, by the names flow files import them as. */
export function enginePackages(): Record<string, string> {
  if (BUNDLED) {
    return {
      flowdeck: new URL('./flowdeck.js', import.meta.url).href,
      'flowdeck/tasks': new URL('./flowdeck-tasks.js', import.meta.url).href,
    };
  }
  return {
    flowdeck: new URL('../index.js', import.meta.url).href,
    'flowdeck/tasks': new URL('../tasks/index.js', import.meta.url).href,
  };
}

/** Packages Flowdeck ships, used when a flow file's own folder does not have them. */
export function packageFallbacks(): Record<string, string> {
  // The bundle's own zod, so that schemas a flow makes are of the zod the CLI reads them with.
  if (BUNDLED) return { zod: new URL('./zod.js', import.meta.url).href };
  const fallbacks: Record<string, string> = {};
  for (const name of ['zod']) {
    try {
      fallbacks[name] = import.meta.resolve(name);
    } catch {
      // not installed beside the engine: nothing to fall back to
    }
  }
  return fallbacks;
}

/** Lets this thread import flow files written in TypeScript, from any folder. */
export function registerFlowLoader(): void {
  if (registered) return;
  registered = true;
  process.setSourceMapsEnabled(true);
  register(new URL('./hooks.js', import.meta.url), { data: { packages: enginePackages(), fallbacks: packageFallbacks() } });
}
