import { homedir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { DATABASE_FILE, numericSetting, resolveFlowdeckHome } from '../core/index.js';
import { SqliteStore } from '../server/index.js';

export interface Output {
  write(text: string): void;
  isTTY: boolean;
}

/** What every command gets: where to write, the environment, and the local store on demand. */
export class CliContext {
  readonly home: string;
  private store: SqliteStore | null = null;
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

  /** The local store, opened once; opening it marks runs whose process died as Crashed. */
  openStore(): SqliteStore {
    this.store ??= SqliteStore.open({
      path: this.databasePath,
      heartbeatTimeoutSeconds: numericSetting(this.env, 'FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS'),
    });
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
    await this.store?.close();
    this.store = null;
  }
}
