// Every command's help lists its options, a line each.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../app/cli/commands/index.js';
import { SERVER_START_DEFAULTS } from '../../app/cli/commands/defaults.js';
import { FLOWDECK_VERSION } from '../../app/core/api/index.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../app/server/index.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { cli } from './harness.js';

let temp: ReturnType<typeof makeTempHome>;
beforeEach(() => (temp = makeTempHome()));
afterEach(() => temp.cleanup());

describe('a command’s --help', () => {
  it('lists every option of every command with a description', async () => {
    for (const command of COMMANDS) {
      const { code, out } = await cli(temp.home, ...command.name.split(' '), '--help');
      expect(code, command.name).toBe(0);
      const lines = out.trimEnd().split('\n');
      const options = lines.slice(lines.indexOf('Options:') + 1);
      const names = [...Object.keys(command.options ?? {}), 'help'];
      expect(options, command.name).toHaveLength(names.length);
      names.forEach((name, i) => {
        // "  -p, --param key=value  A parameter; ... (repeatable)"
        expect(options[i], `${command.name} --${name}`).toMatch(new RegExp(`^  (-\\w, |    )--${name}( \\S+)?  +\\S.{9,}`));
      });
    }
  });

  it('shows the value names and the repeatable options of run', async () => {
    const { out } = await cli(temp.home, 'run', '--help');
    expect(out).toContain('Usage: flowdeck run FILE');
    expect(out).toMatch(/\n {2}-p, --param key=value +A parameter; the value is read as JSON, else taken as text \(repeatable\)\n/);
    expect(out).toMatch(/\n {6}--flow NAME +The flow to run, when it is not the file's default export\n/);
    expect(out).toMatch(/\n {2}-h, --help +Show this command's usage and options\n?$/);
  });
});

describe('the command table', () => {
  it("loads each command's module, which runs it, only when asked", async () => {
    for (const command of COMMANDS) {
      const module = await command.load();
      expect(typeof module.run, command.name).toBe('function');
    }
  });

  it('names the same defaults in server start --help as the server applies', async () => {
    expect(SERVER_START_DEFAULTS).toEqual({ host: DEFAULT_HOST, port: DEFAULT_PORT });
    const { out } = await cli(temp.home, 'server', 'start', '--help');
    expect(out).toContain(`Usage: flowdeck server start [--host ${DEFAULT_HOST}] [--port ${DEFAULT_PORT}]`);
  });
});

describe('flowdeck --version', () => {
  it("prints the release core names, which is the package's", async () => {
    for (const flag of ['--version', '-V']) {
      const { code, out } = await cli(temp.home, flag);
      expect(code).toBe(0);
      expect(out.trim()).toBe(FLOWDECK_VERSION);
    }
  });
});
