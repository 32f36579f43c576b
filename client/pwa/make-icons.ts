/**
 * Draws the app's PNG icons (web app manifest, iOS home screen) from public/favicon.svg with the
 * same Chromium the e2e tests use, so the icons are always the favicon and never separate artwork.
 * Run after changing the favicon, and commit the PNGs: `npx tsx client/pwa/make-icons.ts`.
 *
 * Maskable icons are cropped by the launcher to a circle or squircle: their art must sit inside the
 * central 80 %, on a background that fills the whole square.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../e2e/chromium-path';

const root = path.resolve(import.meta.dirname, '../..');
/** The favicon's own tile colour, so a maskable icon's padding blends with it. */
const TILE_COLOUR = '#0b5a7a';

interface IconSpec {
  file: string;
  size: number;
  /** Share of the square the favicon fills; the rest is TILE_COLOUR (or transparent if 1). */
  artScale: number;
}

const ICONS: IconSpec[] = [
  { file: 'icon-192.png', size: 192, artScale: 1 },
  { file: 'icon-512.png', size: 512, artScale: 1 },
  { file: 'icon-maskable-512.png', size: 512, artScale: 0.7 },
  { file: 'apple-touch-icon.png', size: 180, artScale: 0.86 },
];

async function main(): Promise<void> {
  const svg = await readFile(path.join(root, 'public/favicon.svg'));
  const svgUrl = `data:image/svg+xml;base64,${svg.toString('base64')}`;
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    for (const icon of ICONS) {
      const art = Math.round(icon.size * icon.artScale);
      const background = icon.artScale === 1 ? 'transparent' : TILE_COLOUR;
      await page.setViewportSize({ width: icon.size, height: icon.size });
      await page.setContent(
        `<body style="margin:0;width:${icon.size}px;height:${icon.size}px;display:grid;place-items:center;background:${background}">` +
          `<img src="${svgUrl}" width="${art}" height="${art}" alt=""></body>`,
      );
      await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      await page.screenshot({ path: path.join(root, 'public/icons', icon.file), omitBackground: true });
      console.log(`public/icons/${icon.file} (${icon.size}×${icon.size})`);
    }
  } finally {
    await browser.close();
  }
}

await main();
