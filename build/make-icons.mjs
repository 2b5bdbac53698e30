#!/usr/bin/env node
// Render resources/icons/icon.svg to the icon set electron-builder uses:
//   resources/icons/png/<n>x<n>.png (16…1024, Linux), icon.png (1024), icon.ico (Windows, PNG entries
//   16…256), icon.icns (macOS, PNG entries 16…1024). Run: node build/make-icons.mjs
import { Buffer } from 'node:buffer';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const iconsDir = join(root, 'resources', 'icons');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS element types holding PNG data, by pixel size (ic11–ic14 are the @2x variants).
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

/** A .ico holding PNG images (Vista+): ICONDIR, one ICONDIRENTRY each, then the PNGs. */
export function buildIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2);
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((im) => im.png)]);
}

/** An .icns: 'icns' + total length, then (type, length incl. 8-byte header, PNG) per element. */
export function buildIcns(elements) {
  const parts = elements.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

async function main() {
  const svg = await readFile(join(iconsDir, 'icon.svg'));
  await mkdir(join(iconsDir, 'png'), { recursive: true });
  const pngs = new Map();
  for (const size of SIZES) {
    const png = await sharp(svg, { density: Math.max(72, (72 * size) / 1024 * 4) })
      .resize(size, size)
      .png({ compressionLevel: 9 })
      .toBuffer();
    pngs.set(size, png);
    await writeFile(join(iconsDir, 'png', `${size}x${size}.png`), png);
  }
  await writeFile(join(iconsDir, 'icon.png'), pngs.get(1024));
  await writeFile(join(iconsDir, 'icon.ico'), buildIco(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  await writeFile(join(iconsDir, 'icon.icns'), buildIcns(ICNS_TYPES.map(([type, size]) => ({ type, png: pngs.get(size) }))));
  console.log(`icons written to ${iconsDir}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
