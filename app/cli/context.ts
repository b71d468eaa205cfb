import { homedir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import type { Settings } from '../core/index.js';
import { DATABASE_FILE, resolveFlowdeckHome } from '../core/settings/home.js';
import type { RunStore } from '../server/index.js';
import { UsageError } from './errors.js';
import type { AutomationsSource } from './automations/automations-source.js';
import type { BlocksSource } from './blocks/blocks-source.js';
import type { DeploymentsSource } from './deployments/deployments-source.js';
import type { RunsSource } from './runs-source/runs-source.js';
import type { LoadedSettings } from './settings/load-settings.js';
import type { ServerTarget } from './settings/server-target.js';

/** What reading the settings needs, loaded by prepare() so that help and usage errors never pay for it. */
interface SettingsReaders {
  loadSettings: typeof import('./settings/load-settings.js').loadSettings;
  serverTarget: typeof import('./settings/server-target.js').serverTarget;
}

/** A server that has not answered in this long is treated as unreachable rather than waited on. */
export const API_TIMEOUT_MS = 30_000;

interface Output {
  write(text: string): void;
  isTTY: boolean;
}

/** What every command gets: where to write, the environment, the settings, and the runs on demand. */
export class CliContext {
  readonly home: string;
  private store: Promise<RunStore> | null = null;
  private runsSource: RunsSource | null = null;
  private deploymentsSource: DeploymentsSource | null = null;
  private blocksSource: BlocksSource | null = null;
  private automationsSource: AutomationsSource | null = null;
  private loaded: LoadedSettings | null = null;
  private readers: SettingsReaders | null = null;
  readonly colors: ReturnType<typeof pc.createColors>;

  constructor(
    readonly env: Record<string, string | undefined>,
    readonly stdout: Output,
    readonly stderr: Output,
    readonly cwd: string,
  ) {
    this.home = resolveFlowdeckHome(env, homedir());
    const colorOn = env.NO_COLOR === undefined && (env.FORCE_COLOR !== undefined || stdout.isTTY);
    this.colors = pc.createColors(colorOn);
  }

  get databasePath(): string {
    return join(this.home, DATABASE_FILE);
  }

  /** Loads the settings' readers: runCli awaits it before a command runs, and so do runs() and openStore(). */
  async prepare(): Promise<void> {
    if (this.readers) return;
    const [{ loadSettings }, { serverTarget }] = await Promise.all([import('./settings/load-settings.js'), import('./settings/server-target.js')]);
    this.readers = { loadSettings, serverTarget };
  }

  private settingsReaders(): SettingsReaders {
    if (!this.readers) throw new Error('the settings were read before CliContext.prepare() finished');
    return this.readers;
  }

  /**
   * The settings, their sources and the profile in effect. Read on first use, inside the command,
   * so a broken profiles.toml or setting is reported as bad input by the command that needs it.
   */
  get loadedSettings(): LoadedSettings {
    this.loaded ??= this.settingsReaders().loadSettings(this.env, this.home);
    return this.loaded;
  }

  /** The effective settings: environment, then the profile in effect, then defaults. */
  get settings(): Settings {
    return this.loadedSettings.resolved.values;
  }

  /** The local database, or the server FLOWDECK_API_URL names. */
  get server(): ServerTarget {
    return this.settingsReaders().serverTarget(this.settings, this.databasePath);
  }

  /** Where the run commands find runs: the local database, or the server FLOWDECK_API_URL names. */
  async runs(): Promise<RunsSource> {
    if (this.runsSource) return this.runsSource;
    await this.prepare();
    const server = this.server;
    // Each source is loaded when a command first asks for runs, and only the one in use.
    if (server.kind === 'local') {
      const [{ LocalRunsSource }, store] = await Promise.all([import('./runs-source/local-runs-source.js'), this.openStore()]);
      this.runsSource = new LocalRunsSource(store);
    } else {
      const [{ RemoteRunsSource }, { createApiClient }] = await Promise.all([
        import('./runs-source/remote-runs-source.js'),
        import('../core/api/client.js'),
      ]);
      this.runsSource = new RemoteRunsSource(
        createApiClient({ baseUrl: server.apiUrl, apiKey: this.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: API_TIMEOUT_MS }),
      );
    }
    return this.runsSource;
  }

  /** Where the deployment, work pool and worker commands work: the local database and its bundles, or the server. */
  async deployments(): Promise<DeploymentsSource> {
    if (this.deploymentsSource) return this.deploymentsSource;
    await this.prepare();
    const server = this.server;
    if (server.kind === 'local') {
      const [{ LocalDeploymentsSource }, { BundleStore, localBundleFolder }, store] = await Promise.all([
        import('./deployments/local-deployments-source.js'),
        import('../server/bundles/bundle-store.js'),
        this.openStore(),
      ]);
      this.deploymentsSource = new LocalDeploymentsSource(store, new BundleStore(localBundleFolder(this.home)));
    } else {
      const [{ RemoteDeploymentsSource }, { createApiClient }] = await Promise.all([
        import('./deployments/remote-deployments-source.js'),
        import('../core/api/client.js'),
      ]);
      this.deploymentsSource = new RemoteDeploymentsSource(
        createApiClient({ baseUrl: server.apiUrl, apiKey: this.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: API_TIMEOUT_MS }),
      );
    }
    return this.deploymentsSource;
  }

  /** Where the block and secret commands work: the local database with this machine's key, or the server. */
  async blocks(): Promise<BlocksSource> {
    if (this.blocksSource) return this.blocksSource;
    await this.prepare();
    const server = this.server;
    if (server.kind === 'local') {
      const [{ LocalBlocksSource }, { Blocks }, { EncryptionKeySource }, store] = await Promise.all([
        import('./blocks/local-blocks-source.js'),
        import('../server/blocks/blocks.js'),
        import('../server/blocks/encryption-key.js'),
        this.openStore(),
      ]);
      const key = new EncryptionKeySource({ setting: this.settings.FLOWDECK_SERVER_ENCRYPTION_KEY, home: this.home });
      this.blocksSource = new LocalBlocksSource(new Blocks(store, key));
    } else {
      const [{ RemoteBlocksSource }, { createApiClient }] = await Promise.all([
        import('./blocks/remote-blocks-source.js'),
        import('../core/api/client.js'),
      ]);
      this.blocksSource = new RemoteBlocksSource(
        createApiClient({ baseUrl: server.apiUrl, apiKey: this.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: API_TIMEOUT_MS }),
      );
    }
    return this.blocksSource;
  }

  /** Where the automation commands work: the local database, or the server. */
  async automations(): Promise<AutomationsSource> {
    if (this.automationsSource) return this.automationsSource;
    await this.prepare();
    const server = this.server;
    if (server.kind === 'local') {
      const [{ LocalAutomationsSource }, { Automations }, store] = await Promise.all([
        import('./automations/local-automations-source.js'),
        import('../server/automations/automations.js'),
        this.openStore(),
      ]);
      this.automationsSource = new LocalAutomationsSource(new Automations(store));
    } else {
      const [{ RemoteAutomationsSource }, { createApiClient }] = await Promise.all([
        import('./automations/remote-automations-source.js'),
        import('../core/api/client.js'),
      ]);
      this.automationsSource = new RemoteAutomationsSource(
        createApiClient({ baseUrl: server.apiUrl, apiKey: this.settings.FLOWDECK_API_KEY ?? undefined, timeoutMs: API_TIMEOUT_MS }),
      );
    }
    return this.automationsSource;
  }

  /** The local store, opened once; opening it marks runs whose process died as Crashed. */
  async openStore(): Promise<RunStore> {
    await this.prepare();
    const server = this.server;
    if (server.kind === 'remote') {
      // Better to say so than to write to the local database while the profile names a server.
      throw new UsageError(
        `this command works on the local database only for now, and FLOWDECK_API_URL points at ${server.apiUrl}; ` +
          'unset it (flowdeck config unset FLOWDECK_API_URL) or pick a profile without it (flowdeck profile use NAME)',
      );
    }
    this.store ??= import('../server/store/open-store.js').then(({ openStore }) =>
      openStore({
        kind: 'sqlite',
        path: this.databasePath,
        heartbeatTimeoutSeconds: this.settings.FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS,
        onWarning: (message) => this.note(`${this.colors.yellow('warning:')} ${message}`),
      }),
    );
    return this.store;
  }

  print(line = ''): void {
    this.stdout.write(`${line}\n`);
  }

  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  note(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  async close(): Promise<void> {
    this.runsSource = null;
    this.deploymentsSource = null;
    const opening = this.store;
    this.store = null;
    // A store that could not be opened has nothing to close.
    await (await opening?.catch(() => null))?.close();
  }
}
