// The workspace a server starts on when none is named: FLOWDECK_HOME's own, made and seeded with
// the examples once, and the folder last opened when there is one. Real folders in a temp dir.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseWorkspace, describeWorkspace } from '../../../app/server/workspace/choose-workspace.js';
import { ensureDefaultWorkspace } from '../../../app/server/workspace/default-workspace.js';
import { rememberedWorkspace, rememberWorkspace } from '../../../app/server/workspace/last-workspace.js';
import { checkWorkspaceFolder } from '../../../app/server/workspace/workspace-folder.js';
import { EXAMPLES_DIR } from '../../helpers/cli.js';

const EXAMPLES = readdirSync(EXAMPLES_DIR)
  .filter((name) => name.endsWith('.ts'))
  .sort();

let base: string;
let home: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'flowdeck-default-workspace-'));
  home = join(base, 'home');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('the default workspace', () => {
  it('is made on first use, owner-only, with a copy of every example', () => {
    const made = ensureDefaultWorkspace(home);
    expect(made).toEqual({ folder: join(home, 'workspace'), seeded: EXAMPLES });
    expect(EXAMPLES).toContain('hello.ts');
    expect(statSync(made.folder).mode & 0o777).toBe(0o700);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(readdirSync(made.folder).sort()).toEqual(EXAMPLES);
    for (const name of EXAMPLES) expect(readFileSync(join(made.folder, name), 'utf8')).toBe(readFileSync(join(EXAMPLES_DIR, name), 'utf8'));
    // Nothing is left of the folder it was filled in.
    expect(readdirSync(home)).toEqual(['workspace']);
  });

  it('is never seeded again: a second start keeps an edited example, and a deleted one stays deleted', () => {
    const { folder } = ensureDefaultWorkspace(home);
    writeFileSync(join(folder, 'hello.ts'), '// mine now\n');
    rmSync(join(folder, 'retries.ts'));
    expect(ensureDefaultWorkspace(home)).toEqual({ folder, seeded: [] });
    expect(readFileSync(join(folder, 'hello.ts'), 'utf8')).toBe('// mine now\n');
    expect(existsSync(join(folder, 'retries.ts'))).toBe(false);
  });

  it('leaves an empty folder of the person alone and says so when a file stands in its place', () => {
    mkdirSync(join(home, 'workspace'), { recursive: true });
    expect(ensureDefaultWorkspace(home).seeded).toEqual([]);
    expect(readdirSync(join(home, 'workspace'))).toEqual([]);

    const other = join(base, 'other-home');
    mkdirSync(other);
    writeFileSync(join(other, 'workspace'), 'not a folder');
    expect(() => ensureDefaultWorkspace(other)).toThrow(`${join(other, 'workspace')} is not a folder`);
  });
});

describe('which folder a server starts on', () => {
  it('takes --workspace, then FLOWDECK_WORKSPACE, then the folder last opened, then the default', () => {
    const given = join(base, 'given');
    const set = join(base, 'set');
    const last = join(base, 'projects', 'last');
    for (const folder of [given, set, last]) mkdirSync(folder, { recursive: true });
    const userHome = join(base, 'person');

    expect(chooseWorkspace({ given: 'given', setting: set, home, cwd: base, userHome })).toMatchObject({ folder: given, source: 'option' });
    expect(chooseWorkspace({ setting: set, home, cwd: base, userHome })).toMatchObject({ folder: set, source: 'setting' });
    const first = chooseWorkspace({ home, cwd: base, userHome });
    expect(first).toMatchObject({ folder: join(home, 'workspace'), source: 'default', seeded: EXAMPLES, notes: [] });
    expect(describeWorkspace(first)).toBe(`${join(home, 'workspace')} (new, with ${EXAMPLES.length} example flows)`);
    expect(describeWorkspace(chooseWorkspace({ home, cwd: base, userHome }))).toBe(`${join(home, 'workspace')} (the default)`);

    rememberWorkspace(home, last);
    expect(statSync(join(home, 'last-workspace.json')).mode & 0o777).toBe(0o600);
    expect(rememberedWorkspace(home)).toBe(last);
    expect(chooseWorkspace({ home, cwd: base, userHome })).toMatchObject({ folder: last, source: 'remembered', notes: [] });

    rmSync(last, { recursive: true });
    const fallback = chooseWorkspace({ home, cwd: base, userHome });
    expect(fallback).toMatchObject({ folder: join(home, 'workspace'), source: 'default' });
    expect(fallback.notes).toEqual([`the folder last opened cannot be used (there is no folder '${last}'); using the default workspace`]);
  });

  it('makes the default workspace again when it was the folder last opened and is gone', () => {
    const { folder } = ensureDefaultWorkspace(home);
    rememberWorkspace(home, folder);
    rmSync(folder, { recursive: true });
    expect(chooseWorkspace({ home, cwd: base })).toMatchObject({ folder, source: 'default', seeded: EXAMPLES, notes: [] });
  });

  it('refuses a named folder that is not there, naming it', () => {
    expect(() => chooseWorkspace({ given: 'missing', home, cwd: base })).toThrow(`--workspace ${join(base, 'missing')} is not a folder`);
    expect(() => chooseWorkspace({ given: ' ', home, cwd: base })).toThrow('--workspace needs the path of a folder');
    expect(() => chooseWorkspace({ setting: join(base, 'nope'), home, cwd: base })).toThrow(
      `FLOWDECK_WORKSPACE ${join(base, 'nope')} is not a folder`,
    );
  });

  it('forgets an unreadable note rather than fail to start', () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'last-workspace.json'), '{ not json');
    expect(rememberedWorkspace(home)).toBeNull();
    expect(chooseWorkspace({ home, cwd: base }).source).toBe('default');
  });
});

describe('a folder the server is asked to serve from then on', () => {
  const limits = () => ({ home, userHome: join(base, 'person') });

  it('is taken when it is a project folder, given whole', () => {
    const flows = join(base, 'person', 'flows');
    mkdirSync(flows, { recursive: true });
    expect(checkWorkspaceFolder(flows, limits())).toBe(flows);
    expect(checkWorkspaceFolder(`${flows}/`, limits())).toBe(flows);
    ensureDefaultWorkspace(home);
    expect(checkWorkspaceFolder(join(home, 'workspace'), limits())).toBe(join(home, 'workspace'));
  });

  it('is refused when it is the root, a home folder or above, FLOWDECK_HOME, hidden, relative or missing', () => {
    const person = join(base, 'person');
    mkdirSync(join(person, '.ssh'), { recursive: true });
    mkdirSync(join(person, 'app', 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(home, 'runs'), { recursive: true });
    writeFileSync(join(person, 'notes.txt'), 'x');
    const refused: [string, string][] = [
      ['/', 'is too near the root of the disk'],
      ['/tmp', 'is too near the root of the disk'],
      [person, 'is your home folder or above it'],
      [base, 'is your home folder or above it'],
      [home, "holds Flowdeck's own files"],
      [join(home, 'runs'), "holds Flowdeck's own files"],
      [join(person, '.ssh'), "is inside '.ssh', a hidden or node_modules folder"],
      [join(person, 'app', 'node_modules', 'pkg'), "is inside 'node_modules'"],
      ['flows', 'is relative; give its whole path'],
      [`${person}/flows/../.ssh`, "has '.' or '..' in it"],
      [join(person, 'missing'), 'there is no folder'],
      [join(person, 'notes.txt'), 'is a file, not a folder'],
      ['/srv/a\0b', 'contains a NUL character'],
    ];
    for (const [folder, reason] of refused) {
      expect(() => checkWorkspaceFolder(folder, limits()), folder).toThrow(reason);
    }
  });

  it('is refused when a symbolic link in it leads to a folder that would be', () => {
    const person = join(base, 'person');
    mkdirSync(person, { recursive: true });
    const toRoot = join(person, 'to-root');
    const toHome = join(person, 'to-home');
    symlinkSync('/', toRoot);
    symlinkSync(home, toHome);
    mkdirSync(home, { recursive: true });
    expect(() => checkWorkspaceFolder(toRoot, limits())).toThrow(`folder '${toRoot}' leads to '/', which is too near the root of the disk`);
    expect(() => checkWorkspaceFolder(toHome, limits())).toThrow("which holds Flowdeck's own files");
  });
});
