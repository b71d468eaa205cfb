// Renders resources/icons/flowdeck.svg to the PNG sizes the packages need with headless Chromium,
// and wraps PNGs into icon.ico (Windows) and icon.icns (macOS). Run after changing the logo:
//   node scripts/make-icons.mjs [path-to-chromium]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ICONS = fileURLToPath(new URL('../resources/icons/', import.meta.url));
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS element types holding PNG data, by the pixel size each holds. */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

/** An .ico whose images are PNGs, as Windows has read since Vista. */
export function icoFromPngs(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

/** An .icns of PNG elements. */
export function icnsFromPngs(elements) {
  const parts = elements.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

async function render(svg, executablePath) {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const pngs = new Map();
    for (const size of PNG_SIZES) {
      await page.setViewportSize({ width: size, height: size });
      const encoded = Buffer.from(svg).toString('base64');
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${encoded}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      // eslint-disable-next-line no-undef -- runs in the page
      await page.waitForFunction(() => document.images[0]?.complete);
      pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

async function main() {
  const svg = readFileSync(join(ICONS, 'flowdeck.svg'), 'utf8');
  const pngs = await render(svg, process.argv[2] ?? '/usr/bin/chromium');
  mkdirSync(join(ICONS, 'png'), { recursive: true });
  for (const [size, png] of pngs) {
    if (size <= 512) writeFileSync(join(ICONS, 'png', `${size}x${size}.png`), png);
  }
  writeFileSync(join(ICONS, 'icon.png'), pngs.get(1024));
  writeFileSync(join(ICONS, 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  writeFileSync(join(ICONS, 'icon.icns'), icnsFromPngs(ICNS_TYPES.map(([type, size]) => ({ type, png: pngs.get(size) }))));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
