// The page of `geoevent map` in headless Chromium (playwright-core driving
// the system's /usr/bin/chromium). Run by scripts/check_map_browser.sh:
//
//   node web/tests/map.spec.mjs MAP.html EVENTS.geojson CLAIMS.geojson SCREENSHOT.png
//
// EVENTS.geojson and CLAIMS.geojson are what `geoevent extract -o DIR/` gives
// for the inputs the map was made from. Checks: the page loads from file://
// with no console error, page error, failed request or request to anything
// but the page itself; one `.geoevent-event` marker per located event and one
// `.geoevent-claim` line per claim; a click on a marker opens a popup with
// that event's sentence; the legend lists every event type with its count.
// The screenshot is saved with the popup open. Exits 1 on any failure.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const [mapHtml, eventsPath, claimsPath, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node map.spec.mjs MAP.html EVENTS.geojson CLAIMS.geojson SCREENSHOT.png');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`map browser test: FAIL: ${CHROMIUM} not found (apt-get install chromium)`);
  process.exit(1);
}

const located = (file, type) =>
  JSON.parse(fs.readFileSync(file, 'utf8')).features.filter((f) => f.geometry && f.geometry.type === type);
const events = located(eventsPath, 'Point');
const claims = located(claimsPath, 'LineString');

let passed = 0;
const failures = [];
function check(ok, what) {
  if (ok) {
    passed += 1;
    console.log(`ok: ${what}`);
  } else {
    failures.push(what);
    console.log(`FAIL: ${what}`);
  }
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'geoevent-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const url = pathToFileURL(path.resolve(mapHtml)).href;
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request to ${r.url()}`);
  });

  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('.geoevent-legend', { timeout: 10000 });

  const markers = page.locator('.geoevent-event');
  const markerCount = await markers.count();
  check(
    markerCount === events.length,
    `${markerCount} event markers for ${events.length} located events in ${path.basename(eventsPath)}`,
  );
  const lineCount = await page.locator('.geoevent-claim').count();
  check(lineCount === claims.length, `${lineCount} claim lines for ${claims.length} distance claims`);

  // The legend: one row per event type on the map, with its count.
  const byType = new Map();
  for (const f of events) byType.set(f.properties.event_type, (byType.get(f.properties.event_type) || 0) + 1);
  const rows = await page.$$eval('.geoevent-legend-row', (rs) =>
    rs.map((r) => ({
      line: r.querySelector('.geoevent-line') !== null,
      count: Number(r.querySelector('.geoevent-count').textContent),
    })),
  );
  const eventRows = rows.filter((r) => !r.line);
  check(
    eventRows.length === byType.size && eventRows.reduce((n, r) => n + r.count, 0) === events.length,
    `legend: ${eventRows.length} event types (expected ${byType.size}), counts add up to ${events.length}`,
  );
  check(
    rows.filter((r) => r.line).length === (claims.length ? 2 : 0),
    'legend: distance-claim colours listed',
  );

  // Click the first marker that is on top at its centre (markers of events
  // at one place overlap) and expect its event's sentence in the popup.
  const target = await page.$$eval('.geoevent-event', (els) => {
    for (const e of els) {
      const b = e.getBoundingClientRect();
      const x = b.left + b.width / 2;
      const y = b.top + b.height / 2;
      if (document.elementFromPoint(x, y) === e) return { x, y, id: e.getAttribute('data-event-id') };
    }
    return null;
  });
  check(target !== null, 'a marker can be clicked (on top at its centre)');
  if (target) {
    await page.mouse.click(target.x, target.y);
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor({ timeout: 5000 });
    const text = await popup.textContent();
    const event = events.find((f) => f.properties.event_id === target.id);
    check(event !== undefined, `the clicked marker is event ${target.id}`);
    if (event) {
      check(
        text.includes(event.properties.sentence),
        `the popup of ${target.id} shows its sentence: ${JSON.stringify(event.properties.sentence.slice(0, 60))}...`,
      );
    }
    await page.waitForTimeout(400); // the popup's fade-in and auto-pan
  }

  fs.mkdirSync(path.dirname(path.resolve(screenshot)), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);

  check(problems.length === 0, `no console errors, page errors, dialogs or network requests${problems.length ? ': ' + problems.join('; ') : ''}`);
} catch (e) {
  failures.push(`error: ${e.stack || e}`);
  console.log(`FAIL: ${e.stack || e}`);
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}

console.log(`browser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
