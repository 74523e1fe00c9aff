// Drives the dream4j canvas page in Debian's headless Chromium (no Playwright browser download).
//
//   node canvas-page.mjs http://127.0.0.1:PORT [screenshot-dir]
//
// 1. Generate with slow motion: a screenshot early (masks shown as grey boxes) and one when done (filled in);
//    the grey mask-box pixels are counted in both screenshots, and the DOM's mask boxes too.
// 2. Generate again and press Stop: the page shows "stopped" and the server counts a cancelled generation.
// 3. The sampler list holds every installed sampler. 4. An error clears the canvas. 5. Infill mode fills a middle.
// Prints a JSON summary and PASS, or FAIL with the reason (exit code 1).
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2];
const outDir = process.argv[3] || join(process.cwd(), 'shots');
if (!base) {
  console.error('usage: node canvas-page.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const userDataDir = mkdtempSync(join(tmpdir(), 'dream4j-chromium-'));
const MASK_RGB = [0x9e, 0x9e, 0x9e];

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** Pixels of the mask-box colour in a PNG, counted by the browser itself (canvas getImageData). */
async function maskPixels(page, png) {
  return page.evaluate(async ({ data, rgb }) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + data;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i] - rgb[0]) <= 2 && Math.abs(px[i + 1] - rgb[1]) <= 2 && Math.abs(px[i + 2] - rgb[2]) <= 2) n++;
    }
    return { count: n, total: c.width * c.height };
  }, { data: png.toString('base64'), rgb: MASK_RGB });
}

async function metric(page, name) {
  const text = await page.evaluate(async () => (await fetch('/metrics')).text());
  const line = text.split('\n').find(l => l.startsWith(name + ' '));
  return line ? Number(line.slice(name.length + 1)) : NaN;
}

const summary = {};
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(60_000);
  const pageErrors = [];
  page.on('pageerror', e => pageErrors.push(String(e)));
  await page.goto(base + '/');
  check((await page.title()).includes('dream4j'), 'page title: ' + await page.title());

  // 1. Watch the canvas fill in.
  await page.fill('#prompt', 'def fibonacci(n):');
  await page.fill('#maxTokens', '48');
  await page.fill('#steps', '48');
  await page.fill('#delay', '150');
  await page.click('#generate');
  await page.waitForFunction(() => {
    const m = /^step (\d+)\//.exec(document.getElementById('status').textContent);
    return m && Number(m[1]) >= 2 && Number(m[1]) <= 6;
  }, null, { polling: 20 });
  const canvas = page.locator('#canvas');
  const earlyDom = await page.evaluate(() => ({
    masks: document.querySelectorAll('#canvas .mask').length,
    tokens: document.querySelectorAll('#canvas .tok').length,
    status: document.getElementById('status').textContent,
  }));
  const early = await canvas.screenshot({ path: join(outDir, 'early.png') });
  await page.waitForFunction(() => document.getElementById('canvas').dataset.state === 'done');
  const late = await canvas.screenshot({ path: join(outDir, 'late.png') });
  const lateDom = await page.evaluate(() => ({
    masks: document.querySelectorAll('#canvas .mask').length,
    tokens: document.querySelectorAll('#canvas .tok').length,
    status: document.getElementById('status').textContent,
  }));
  const earlyPx = await maskPixels(page, early);
  const latePx = await maskPixels(page, late);
  Object.assign(summary, { earlyDom, lateDom, earlyMaskPixels: earlyPx.count, lateMaskPixels: latePx.count });
  check(earlyDom.masks >= 36, 'early canvas should show most of the 48 positions masked: ' + JSON.stringify(earlyDom));
  check(lateDom.masks === 0, 'the finished canvas has no mask left: ' + JSON.stringify(lateDom));
  check(lateDom.tokens === 48, 'the finished canvas shows 48 tokens: ' + JSON.stringify(lateDom));
  // A mask box is 14x18 CSS pixels: the early screenshot (taken a moment after the DOM count, so a few masks
  // may have filled in meanwhile) must still hold grey boxes for at least half of the 48 positions.
  check(earlyPx.count >= 24 * 14 * 18 * 0.9,
    `early screenshot: ${earlyPx.count} grey mask pixels for ${earlyDom.masks} masks`);
  check(latePx.count <= earlyPx.count * 0.05,
    `late screenshot still shows grey mask pixels: ${latePx.count} (early ${earlyPx.count})`);

  // 2. Stop cancels the generation on the server.
  const cancelledBefore = await metric(page, 'dream4j_cancelled_total');
  await page.fill('#delay', '200');
  await page.fill('#steps', '48');
  await page.click('#generate');
  await page.waitForFunction(() => /^step [2-9]\//.test(document.getElementById('status').textContent), null, { polling: 20 });
  await page.click('#stop');
  await page.waitForFunction(() => document.getElementById('canvas').dataset.state === 'stopped');
  await canvas.screenshot({ path: join(outDir, 'stopped.png') });
  const stoppedMasks = await page.evaluate(() => document.querySelectorAll('#canvas .mask').length);
  let cancelledAfter = cancelledBefore;
  for (let i = 0; i < 100 && !(cancelledAfter > cancelledBefore); i++) {
    await new Promise(r => setTimeout(r, 50));
    cancelledAfter = await metric(page, 'dream4j_cancelled_total');
  }
  let inFlight = NaN;
  for (let i = 0; i < 100; i++) {
    inFlight = await metric(page, 'dream4j_in_flight');
    if (inFlight === 0) break;
    await new Promise(r => setTimeout(r, 50));
  }
  Object.assign(summary, { stoppedMasks, cancelledBefore, cancelledAfter, inFlightAfterStop: inFlight });
  check(stoppedMasks > 0, 'a stopped canvas keeps its masks');
  check(cancelledAfter > cancelledBefore, 'the server did not count the cancelled generation');
  check(inFlight === 0, 'the cancelled generation still runs on the server');
  // 3. Every installed sampler is offered, the fast ones included.
  await page.waitForFunction(() => [...document.querySelectorAll('#sampler option')].some(o => o.value === 'fast-dllm-threshold'));
  summary.samplers = await page.evaluate(() => [...document.querySelectorAll('#sampler option')].map(o => o.value).filter(v => v));

  // 4. An error clears the canvas (the stopped canvas above is still shown) and says what is wrong.
  check(stoppedMasks > 0, 'the canvas holds the stopped generation before the error');
  await page.fill('#maxTokens', '1000000');
  await page.click('#generate');
  await page.waitForFunction(() => document.getElementById('canvas').dataset.state === 'failed');
  const failed = await page.evaluate(() => ({
    children: document.getElementById('canvas').childElementCount,
    error: document.getElementById('error').textContent,
  }));
  summary.failed = failed;
  check(failed.children === 0, 'an error leaves the canvas empty: ' + JSON.stringify(failed));
  check(/context length/.test(failed.error), 'the error names the context length: ' + failed.error);

  // 5. Infill mode: prefix and suffix, the middle written between them.
  await page.selectOption('#mode', 'infill');
  await page.fill('#prompt', 'def add(a, b):\n    ');
  await page.fill('#suffix', '\n    return c');
  await page.fill('#maxTokens', '8');
  await page.fill('#steps', '8');
  await page.click('#generate');
  await page.waitForFunction(() => document.getElementById('canvas').dataset.state === 'done');
  const infilled = await page.evaluate(() => ({
    middle: document.querySelectorAll('#canvas .tok.new').length,
    text: document.getElementById('canvas').textContent,
    status: document.getElementById('status').textContent,
  }));
  summary.infill = infilled;
  check(infilled.middle === 1 && infilled.text.startsWith('def add(a, b):') && infilled.text.endsWith('return c'),
    'infill shows prefix, middle and suffix: ' + JSON.stringify(infilled));
  check(/^done: infilled \d+ tokens/.test(infilled.status), 'infill status: ' + infilled.status);
  check(pageErrors.length === 0, 'page errors: ' + pageErrors.join('; '));
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
  console.log('PASS');
} catch (e) {
  console.log(JSON.stringify(summary));
  console.log('FAIL: ' + (e && e.message ? e.message : e));
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
