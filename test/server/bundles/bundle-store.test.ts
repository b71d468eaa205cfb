import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bundle } from '../../../app/core/api/bundles.js';
import { bundleHash } from '../../../app/server/bundles/bundle-hash.js';
import { BundleStore, localBundleFolder } from '../../../app/server/bundles/bundle-store.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const b64 = (text: string) => Buffer.from(text).toString('base64');
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const bundle: Bundle = {
  files: [
    { path: 'flows/etl.ts', content: b64('import { x } from "../lib/x.js";\n') },
    { path: 'lib/x.ts', content: b64('export const x = 1;\n') },
  ],
};

function tempStore(): BundleStore {
  const temp = makeTempHome();
  cleanups.push(temp.cleanup);
  return new BundleStore(localBundleFolder(temp.home));
}

describe('bundleHash', () => {
  it('is the SHA-256 of each path with the SHA-256 of its bytes, one line per file in path order', () => {
    const canonical = `flows/etl.ts\t${sha('import { x } from "../lib/x.js";\n')}\nlib/x.ts\t${sha('export const x = 1;\n')}\n`;
    expect(bundleHash(bundle)).toBe(sha(canonical));
    expect(bundleHash(bundle)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of the files, and changes with any byte or path', () => {
    expect(bundleHash({ files: [...bundle.files].reverse() })).toBe(bundleHash(bundle));
    expect(bundleHash({ files: [bundle.files[0], { path: 'lib/x.ts', content: b64('export const x = 2;\n') }] })).not.toBe(bundleHash(bundle));
    expect(bundleHash({ files: [bundle.files[0], { path: 'lib/y.ts', content: bundle.files[1].content }] })).not.toBe(bundleHash(bundle));
  });

  it('sorts paths by code unit, not by locale', () => {
    const files = [
      { path: 'a.ts', content: b64('a') },
      { path: 'B.ts', content: b64('b') },
    ];
    const canonical = `B.ts\t${sha('b')}\na.ts\t${sha('a')}\n`;
    expect(bundleHash({ files })).toBe(sha(canonical));
  });

  it('refuses a bundle with one path twice, naming it', () => {
    expect(() => bundleHash({ files: [bundle.files[1], ...bundle.files] })).toThrow("the bundle has the file 'lib/x.ts' twice");
  });
});

describe('BundleStore', () => {
  it('stores a bundle at its hash as <folder>/<hash>.json and gives it back', () => {
    const store = tempStore();
    const hash = bundleHash(bundle);
    expect(store.has(hash)).toBe(false);
    expect(store.get(hash)).toBeUndefined();
    expect(store.put(hash, bundle)).toEqual({ hash, files: 2, bytes: 33 + 20 });
    expect(store.has(hash)).toBe(true);
    expect(store.get(hash)).toEqual(bundle);
    expect(readdirSync(store.folder)).toEqual([`${hash}.json`]);
    expect(JSON.parse(readFileSync(join(store.folder, `${hash}.json`), 'utf8'))).toEqual(bundle);
  });

  it('storing the same bundle again changes nothing', () => {
    const store = tempStore();
    const hash = bundleHash(bundle);
    store.put(hash, bundle);
    const before = readFileSync(join(store.folder, `${hash}.json`), 'utf8');
    expect(store.put(hash, { files: [...bundle.files].reverse() })).toEqual({ hash, files: 2, bytes: 53 });
    expect(readFileSync(join(store.folder, `${hash}.json`), 'utf8')).toBe(before);
    expect(readdirSync(store.folder)).toEqual([`${hash}.json`]);
  });

  it('refuses a bundle whose content is not its hash, and stores nothing', () => {
    const store = tempStore();
    const wrong = sha('something else');
    expect(() => store.put(wrong, bundle)).toThrow(`the bundle's content has the hash ${bundleHash(bundle)}, not ${wrong}; it was not stored`);
    expect(store.has(wrong)).toBe(false);
    expect(store.has(bundleHash(bundle))).toBe(false);
  });

  it('refuses a hash that is not lowercase SHA-256 hex, so no name can leave the folder', () => {
    const store = tempStore();
    expect(() => store.has('../../etc/passwd')).toThrow("'../../etc/passwd' is not a bundle hash");
    expect(() => store.get(bundleHash(bundle).toUpperCase())).toThrow('is not a bundle hash');
  });

  it('refuses content that is not base64 and a path given twice, naming the file', () => {
    const store = tempStore();
    const bad = { files: [{ path: 'flow.ts', content: 'not base64!' }] };
    expect(() => store.put(sha('x'), bad)).toThrow("the content of the bundle file 'flow.ts' is not base64");
    const twice = { files: [bundle.files[0], bundle.files[0]] };
    expect(() => store.put(sha('x'), twice)).toThrow("the bundle has the file 'flows/etl.ts' twice");
  });
});
