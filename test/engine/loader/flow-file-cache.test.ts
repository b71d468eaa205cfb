// How `flowdeck run` loads a flow file: compiled once with its local imports into a module cached
// under FLOWDECK_HOME, read again while the files are unchanged, rebuilt when one changes or the
// entry is damaged. Run by the real CLI from a folder outside the repository.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { lastJsonLine, runCli, showOutput, useCliHome } from '../../helpers/cli.js';

const temp = useCliHome();

const FLOW = `import { flow, task } from 'flowdeck';
import { z } from 'zod';
import { MARK, where } from './helper.js';

const mark = task({ name: 'mark' }, () => MARK);

export default flow({ name: 'cached', parameters: z.object({}) }, async () => ({ mark: await mark(), where }));
`;

const HELPER = (mark: string) => `export const MARK: string = '${mark}';
export const where = import.meta.url;
`;

function project(): { folder: string; flow: string; helper: string } {
  const folder = join(temp.home, 'project');
  mkdirSync(folder, { recursive: true });
  const flow = join(folder, 'flow.ts');
  const helper = join(folder, 'helper.ts');
  writeFileSync(flow, FLOW);
  writeFileSync(helper, HELPER('first'));
  return { folder, flow, helper };
}

function cacheEntries(): string[] {
  const folder = join(temp.home, 'cache', 'flows');
  return readdirSync(folder)
    .filter((name) => name !== '.last-sweep')
    .map((name) => join(folder, name));
}

async function run(folder: string): Promise<{ mark: string; where: string }> {
  const result = await runCli(['run', 'flow.ts', '--json'], { home: temp.home, cwd: folder });
  expect(result.code, showOutput(result)).toBe(0);
  return lastJsonLine(result.stdout).result as { mark: string; where: string };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The entry's code and its last line, as the cache writes them. */
function readEntry(path: string): { header: { code: string; inputs: Record<string, string> }; code: string } {
  const text = readFileSync(path, 'utf8');
  const last = text.lastIndexOf('\n// ', text.length - 2);
  return { header: JSON.parse(text.slice(last + 4, -1)), code: text.slice(0, last) };
}

it('a first run writes one entry naming every file compiled into it; the next run reads that entry', async () => {
  const { folder, flow, helper } = project();
  expect(await run(folder)).toEqual({ mark: 'first', where: pathToFileURL(helper).href });
  const [entry, ...more] = cacheEntries();
  expect(more).toEqual([]);
  const { header, code } = readEntry(entry);
  expect(Object.keys(header.inputs).sort()).toEqual([flow, helper].sort());
  expect(header.code).toBe(sha256(code));

  // A whole entry whose files are unchanged is imported as it is: what it says is what runs.
  const edited = code.replace(`"first"`, `"read-from-the-cache"`);
  expect(edited).not.toBe(code);
  writeFileSync(entry, `${edited}\n// ${JSON.stringify({ ...header, code: sha256(edited) })}\n`);
  expect((await run(folder)).mark).toBe('read-from-the-cache');
});

it('a changed local import is a miss: the flow runs the new code', async () => {
  const { folder, helper } = project();
  expect((await run(folder)).mark).toBe('first');
  writeFileSync(helper, HELPER('second'));
  expect((await run(folder)).mark).toBe('second');
});

it('a damaged entry is ignored and written again', async () => {
  const { folder } = project();
  await run(folder);
  const [entry] = cacheEntries();
  const whole = readFileSync(entry, 'utf8');
  for (const damaged of ['', 'not a cache entry', whole.slice(0, Math.floor(whole.length / 2)), whole.replace('"first"', '"tampered"')]) {
    writeFileSync(entry, damaged);
    expect((await run(folder)).mark).toBe('first');
    expect(readFileSync(entry, 'utf8')).toBe(whole);
  }
});

it('a syntax error in an imported file names that file and line, and nothing is cached', async () => {
  const { folder, helper } = project();
  writeFileSync(helper, `export const MARK = 'first';\nexport const where = ;\n`);
  const result = await runCli(['run', 'flow.ts', '--json'], { home: temp.home, cwd: folder });
  expect(result.code, showOutput(result)).toBe(2);
  expect(result.stderr).toContain(`a module imported by ${join(folder, 'flow.ts')} does not compile:\n${helper}:2:`);
  expect(() => cacheEntries()).toThrow(/ENOENT/);
});

it('a package neither the flow’s folder nor Flowdeck has is reported by name', async () => {
  const { folder, flow } = project();
  writeFileSync(flow, `import 'no-such-package-anywhere';\n${FLOW}`);
  const result = await runCli(['run', 'flow.ts', '--json'], { home: temp.home, cwd: folder });
  expect(result.code, showOutput(result)).toBe(2);
  expect(result.stderr).toMatch(/failed to load: Error: Cannot find package 'no-such-package-anywhere'/);
});

it('a file that finds files at run time (a computed import path) finds them beside itself, not beside the cache', async () => {
  const { folder, flow } = project();
  writeFileSync(join(folder, 'late.ts'), `export const LATE = 'found beside the flow';\n`);
  writeFileSync(
    flow,
    FLOW.replace(
      'async () => ({ mark: await mark(), where })',
      "async () => { const name = './late.ts'; const late = (await import(name)) as { LATE: string }; return { mark: late.LATE, where }; }",
    ),
  );
  expect((await run(folder)).mark).toBe('found beside the flow');
  expect((await run(folder)).mark).toBe('found beside the flow');
});

it('an entry naming a package file that has since moved is compiled again against the package as installed now', async () => {
  const { folder, flow } = project();
  const pkg = join(folder, 'node_modules', 'moving-package');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'moving-package', type: 'module', main: 'first.js' }));
  writeFileSync(join(pkg, 'first.js'), `export const MARK = 'from the first layout';\n`);
  writeFileSync(
    flow,
    FLOW.replace("import { MARK, where } from './helper.js';", "import { MARK } from 'moving-package';\nimport { where } from './helper.js';"),
  );
  expect((await run(folder)).mark).toBe('from the first layout');
  // A reinstall with another layout: the file the entry names is gone.
  rmSync(join(pkg, 'first.js'));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'moving-package', type: 'module', main: 'second.js' }));
  writeFileSync(join(pkg, 'second.js'), `export const MARK = 'from the second layout';\n`);
  expect((await run(folder)).mark).toBe('from the second layout');
  expect((await run(folder)).mark).toBe('from the second layout');
});

it('a new version of a flow file replaces its entry, so edits do not pile up in the cache', async () => {
  const { folder, flow } = project();
  await run(folder);
  for (const mark of ['second', 'third']) {
    writeFileSync(flow, FLOW.replace('() => MARK', `() => '${mark}'`));
    expect((await run(folder)).mark).toBe(mark);
  }
  const entries = cacheEntries();
  expect(entries).toHaveLength(1);
  expect(readFileSync(entries[0], 'utf8')).toContain('"third"');
});

it('writing an entry removes half-written leftovers, and once a day the entries of flow files that are gone', async () => {
  const { folder, flow } = project();
  const gone = join(temp.home, 'gone');
  mkdirSync(gone);
  writeFileSync(join(gone, 'flow.ts'), FLOW.replace("import { MARK, where } from './helper.js';", "const MARK = 'gone';\nconst where = '';"));
  await run(gone);
  await run(folder);
  const goneEntry = cacheEntries().find((path) => readFileSync(path, 'utf8').includes(join(gone, 'flow.ts')))!;
  expect(goneEntry).toBeDefined();
  rmSync(gone, { recursive: true });
  const cache = join(temp.home, 'cache', 'flows');
  const leftover = join(cache, 'half-written.mjs.1234.tmp');
  writeFileSync(leftover, 'export const half');
  const longAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  utimesSync(leftover, longAgo, longAgo);

  // The sweep ran at the first write today: the next write takes the leftover and leaves the orphan.
  writeFileSync(flow, FLOW.replace('() => MARK', "() => 'second'"));
  await run(folder);
  expect(cacheEntries()).toContain(goneEntry);
  expect(cacheEntries()).not.toContain(leftover);

  // A day later, the orphan goes; the live flow file's entry stays.
  utimesSync(join(cache, '.last-sweep'), longAgo, longAgo);
  writeFileSync(flow, FLOW.replace('() => MARK', "() => 'third'"));
  expect((await run(folder)).mark).toBe('third');
  const left = cacheEntries();
  expect(left).toHaveLength(1);
  expect(readFileSync(left[0], 'utf8')).toContain('"third"');
});
