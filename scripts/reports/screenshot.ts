// A PNG of an HTML report as a reader first sees it (the top of the page), for docs/reports.md.
//
//   npx tsx scripts/reports/screenshot.ts REPORT.html OUT.png [WIDTH HEIGHT]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.js';

export async function screenshot(html: string, png: string, width = 1200, height = 900): Promise<void> {
  const browser = await launchChromium({ width, height });
  try {
    const page = await browser.context.newPage();
    // The page is self-contained: anything but the file itself is refused.
    await page.route((url) => url.protocol !== 'file:', (route) => route.abort());
    await page.goto(pathToFileURL(resolve(html)).href);
    await page.screenshot({ path: png, type: 'png' });
  } finally {
    await browser.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [html, png, width, height] = process.argv.slice(2);
  if (!html || !png) {
    process.stderr.write('usage: screenshot.ts REPORT.html OUT.png [WIDTH HEIGHT]\n');
    process.exit(2);
  }
  screenshot(html, png, width ? Number(width) : undefined, height ? Number(height) : undefined).catch((err: unknown) => {
    process.stderr.write(`screenshot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
