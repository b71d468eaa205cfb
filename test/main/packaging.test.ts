// electron-builder.yml and the icons it names. Building packages needs Electron's binary, which
// cannot be downloaded here, so this checks the configuration and the files it relies on.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli.js';

const config = parse(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8'));
const at = (path: string) => join(REPO_ROOT, path);

/** Width and height from a PNG's header. */
function pngSize(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(data.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('names the app and packs the built app, its resources and package.json, starting at the compiled main', () => {
    expect(config.appId).toBe('dev.flowdeck.desktop');
    expect(config.productName).toBe('Flowdeck');
    expect(config.files).toEqual(expect.arrayContaining(['dist/**/*', 'resources/**/*', 'package.json']));
    expect(config.extraMetadata.main).toBe('dist/app/main/main.js');
    expect(existsSync(at('app/main/main.ts'))).toBe(true);
  });

  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('names icons that exist, at the sizes each platform wants', () => {
    const linux = at(config.linux.icon);
    const pngs = readdirSync(linux).sort((a, b) => parseInt(a) - parseInt(b));
    expect(pngs).toEqual(['16x16.png', '24x24.png', '32x32.png', '48x48.png', '64x64.png', '128x128.png', '256x256.png', '512x512.png']);
    for (const name of pngs) {
      const size = parseInt(name);
      expect(pngSize(readFileSync(join(linux, name))), name).toEqual({ width: size, height: size });
    }

    const ico = readFileSync(at(config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(sizes).toContain(256);
    for (let i = 0; i < count; i++) {
      const length = ico.readUInt32LE(6 + 16 * i + 8);
      const offset = ico.readUInt32LE(6 + 16 * i + 12);
      expect(pngSize(ico.subarray(offset, offset + length)).width).toBe(sizes[i]);
    }

    const icns = readFileSync(at(config.mac.icon));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4))
      types.push(icns.subarray(offset, offset + 4).toString('latin1'));
    expect(types).toEqual(expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10']));

    expect(readFileSync(at('resources/icons/flowdeck.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 512 512"/);
  });
});
