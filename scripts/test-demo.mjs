// The demo page's end-to-end test: serves web/ as `npm run demo` does, opens it in Debian's chromium (playwright-core,
// never a downloaded browser), trains with the defaults, checks the test accuracy shown and that the status line and
// the progress label never disagree on the epoch count, draws a stroke and picks a test image, checks that predictions
// appear, that the page does not scroll sideways at 360 px (before and after training), and saves a screenshot.
// `npm test` adds its checks to the totals.
// Node-only tooling; `node scripts/test-demo.mjs [--screenshot FILE]` (npm test writes build/demo/screenshot.png).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDemo } from './demo.mjs';
import { findChromium, launchChromium, NO_CHROMIUM, root } from './test-browser.mjs';

/** The bar for the default run (MLP 784-128-10, 10 epochs, batch 64, Adam, seed 1), which measured 0.8605. */
export const MIN_ACCURACY = 0.83;
const TRAIN_TIMEOUT_MS = 120_000;

/**
 * Runs the checks; resolves to { passed, failed, ms, lines, accuracy, trainMs }. Each check is one line
 * "ok – …" or "FAIL – …" in `lines`; a missing chromium is one failure saying how to install it.
 */
export async function runDemoTest({ screenshot = join(root, 'build/demo/screenshot.png'), print = console.log } = {}) {
  const t0 = performance.now();
  const out = { passed: 0, failed: 0, ms: 0, lines: [], accuracy: NaN, trainMs: NaN };
  const check = (ok, what) => { ok ? out.passed++ : out.failed++; const line = `${ok ? 'ok  ' : 'FAIL'} – ${what}`; out.lines.push(line); print(line); return ok; };
  const exe = findChromium();
  if (!exe) { check(false, NO_CHROMIUM); return out; }
  const server = await serveDemo(0);
  let chrome;
  const errors = [];
  try {
    chrome = await launchChromium(exe);
    const page = await chrome.context.newPage();
    await page.setViewportSize({ width: 1280, height: 860 });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
    await page.goto(`${server.url}web/`);
    const state = (s, timeout) => page.waitForSelector(`body[data-state="${s}"]`, { timeout }).then(() => true, () => false);
    const text = (sel) => page.locator(sel).textContent();

    if (!check(await state('ready', 30_000), `the page loads simdnet and fashion-small (${await text('#status')})`)) return out;
    await noSidewaysScroll(page, check, 'before training');

    // Every change of the status line or the progress label, as [status, label], read after the page's handler ran.
    await page.evaluate(() => {
      const seen = window.__epochLabels = [];
      const read = () => seen.push([document.getElementById('status').textContent, document.getElementById('progress-text').textContent]);
      const mo = new MutationObserver(read);
      for (const id of ['status', 'progress-text']) mo.observe(document.getElementById(id), { childList: true, characterData: true, subtree: true });
    });
    await page.click('#train');
    const started = await state('training', 10_000);
    const finished = started && await state('done', TRAIN_TIMEOUT_MS);
    const accuracy = Number(await page.locator('#test-accuracy').getAttribute('data-accuracy'));
    const status = await text('#status');
    out.accuracy = accuracy;
    out.trainMs = 1000 * Number(/in ([\d.]+) s/.exec(status)?.[1] ?? NaN);
    const progress = await page.$eval('#progress', (p) => [p.value, p.max]);
    check(finished && accuracy > MIN_ACCURACY && progress[0] === progress[1],
      `training finishes within ${TRAIN_TIMEOUT_MS / 1000} s with test accuracy ${accuracy} > ${MIN_ACCURACY}, progress ${progress.join('/')} (${status})`);

    const labels = await page.evaluate(() => window.__epochLabels);
    const compared = labels.map(([st, label]) => [Number(/^After epoch (\d+) of \d+/.exec(st)?.[1]), Number(/^(\d+) of \d+ epochs done$/.exec(label)?.[1]), st, label])
      .filter(([a]) => Number.isFinite(a));
    const disagree = compared.find(([a, b]) => a !== b);
    check(compared.length >= 10 && !disagree && compared.at(-1)[0] === 10,
      `the status line and the progress label give one epoch count (${compared.length} status updates compared${disagree ? `; disagree: "${disagree[2]}" vs "${disagree[3]}"` : ''})`);

    const grads = await page.$$eval('#grad-rows tr', (rows) => rows.map((r) => [r.querySelector('th').textContent, Number(r.querySelector('.num').textContent)]));
    const verdictList = await page.$$eval('#verdicts li', (li) => li.map((l) => l.textContent));
    check(grads.length === 2 && grads.every(([, v]) => Number.isFinite(v) && v > 0) && await text('#grad-epoch') === '10',
      `the diagnostics panel shows the last epoch's gradient RMS for both dense layers (${JSON.stringify(grads)})`);
    check(verdictList.length === 1 && /No problems found/.test(verdictList[0]), `a healthy run shows no verdicts (${verdictList.join(' | ')})`);

    await page.click('#sample');
    const sampled = await page.waitForFunction(() => /True label:/.test(document.getElementById('verdict').textContent), null, { timeout: 10_000 })
      .then(() => true, () => false);
    check(sampled, `a random test image gets a prediction (${await text('#verdict')})`);

    // Strokes like a pair of trousers, filled in: two legs joined at the waist.
    const stroke = async (points) => {
      await page.locator('#pad').scrollIntoViewIfNeeded();
      const box = await page.locator('#pad').boundingBox();
      await page.mouse.move(box.x + points[0][0] * box.width, box.y + points[0][1] * box.height);
      await page.mouse.down();
      for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
      await page.mouse.up();
    };
    for (const s of [[[0.35, 0.9], [0.4, 0.1], [0.6, 0.1], [0.65, 0.9]], [[0.45, 0.12], [0.42, 0.9]], [[0.55, 0.12], [0.58, 0.9]],
      [[0.4, 0.12], [0.6, 0.3]], [[0.6, 0.12], [0.4, 0.3]]]) await stroke(s);
    const drawn = await page.waitForFunction(() => /^Prediction:(?!.*True label)/.test(document.getElementById('verdict').textContent)
      && document.querySelectorAll('#bars li').length === 5, null, { timeout: 10_000 }).then(() => true, () => false);
    const verdict = await text('#verdict');
    check(drawn && /Prediction: Trouser/.test(verdict), `a drawing of trousers is predicted as Trouser, with 5 bars (${verdict})`);

    await noSidewaysScroll(page, check, 'after training, with a prediction shown');
    await page.setViewportSize({ width: 1280, height: 860 });
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    print(`screenshot: ${screenshot}`);
    check(errors.length === 0, `no page or console errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
  } catch (e) {
    check(false, `the demo test crashed: ${e.stack ?? e}${errors.length ? `\n${errors.join('\n')}` : ''}`);
  } finally {
    await chrome?.close().catch(() => {});
    await server.close();
    out.ms = Math.round(performance.now() - t0);
  }
  return out;
}

/** Checks at 360 and 320 px wide that the page is no wider than the window; restores no viewport (the caller does). */
async function noSidewaysScroll(page, check, when) {
  for (const width of [360, 320]) {
    await page.setViewportSize({ width, height: 740 });
    const [scroll, inner, widest] = await page.evaluate(() => {
      let worst = '';
      for (const el of document.body.querySelectorAll('*')) {
        if (el.getBoundingClientRect().right > innerWidth + 0.5) worst = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`;
      }
      return [document.documentElement.scrollWidth, innerWidth, worst];
    });
    check(scroll <= inner, `no sideways scroll at ${width} px ${when} (scrollWidth ${scroll}, innerWidth ${inner}${widest ? `; ${widest} sticks out` : ''})`);
  }
  await page.setViewportSize({ width: 1280, height: 860 });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--screenshot');
  const r = await runDemoTest(at >= 0 ? { screenshot: resolve(args[at + 1]) } : {});
  console.log(`\ndemo page: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  process.exitCode = r.failed ? 1 : 0;
}
