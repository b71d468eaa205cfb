import { register } from 'node:module';

let registered = false;

/** The engine's public modules, by the names flow files import them as. */
export function enginePackages(): Record<string, string> {
  return {
    flowdeck: new URL('../index.js', import.meta.url).href,
    'flowdeck/tasks': new URL('../tasks/index.js', import.meta.url).href,
  };
}

/** Packages Flowdeck ships, used when a flow file's own folder does not have them. */
export function packageFallbacks(): Record<string, string> {
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
