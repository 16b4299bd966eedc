// landing.test.mjs: the public landing page in a real browser (Debian's Chromium driven by
// playwright-core) on a phone-sized screen, against a real `peluit serve`.
// Run: node --test tests/e2e/   (PELUIT_BIN overrides the binary, default build/test/peluit)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const artifacts = path.join(here, 'artifacts');

const CHROMIUM = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const EXPECT = {
  id: { report: 'Buat Laporan', check: 'Cek Status Laporan', reportHref: '/lapor', checkHref: '/cek',
    langName: 'Bahasa Indonesia' },
  en: { report: 'Make a report', check: 'Check report status', reportHref: '/lapor?lang=en',
    checkHref: '/cek?lang=en', langName: 'English' },
};

let server;
let browser;
let categories;

before(async () => {
  categories = JSON.parse(await readFile(path.join(repoRoot, 'web/data/categories.json'), 'utf8'));
  await mkdir(artifacts, { recursive: true });
  server = await startServer();
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/* Opens `target` (relative to the server) in a new phone context, recording every request and
 * every console error, page error, failed request and failed sub-resource. */
async function visit(target, contextOptions = {}, { documentStatus = null } = {}) {
  const url = new URL(target, server.url).href;
  const context = await browser.newContext({ ...PHONE, locale: 'id-ID', ...contextOptions });
  const page = await context.newPage();
  const v = { context, page, problems: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // A page that is itself an error (404) makes Chromium log its status; that one is expected.
    if (documentStatus && m.location().url === url && m.text().includes(`status of ${documentStatus}`)) return;
    v.problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => v.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => v.requests.push(r.url()));
  page.on('requestfailed', (r) => v.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document' && r.status() >= 400) {
      v.problems.push(`sub-resource ${r.url()} answered ${r.status()}`);
    }
  });
  v.response = await page.goto(url);
  return v;
}

/* What every page visit must satisfy: no errors, nothing fetched from another host, no
 * sideways scrolling on the phone. */
async function assertClean(v) {
  assert.deepEqual(v.problems, [], 'no console errors, page errors or failed requests');
  assert.ok(v.requests.length > 0, 'requests were recorded');
  const foreign = v.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== server.origin);
  assert.deepEqual(foreign, [], 'no request to any host other than the server');
  const { scrollWidth, clientWidth } = await v.page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `no horizontal overflow (scrollWidth ${scrollWidth} > clientWidth ${clientWidth})`);
}

async function assertMinTarget(locator, what) {
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is laid out`);
  assert.ok(box.height >= 44 && box.width >= 44, `${what} is at least 44×44 px (got ${box.width}×${box.height})`);
}

/* The landing page in language `lang`, as the phone shows it. */
async function assertLanding(v, lang) {
  const { page } = v;
  const e = EXPECT[lang];
  assert.equal(v.response.status(), 200);
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  assert.match(await page.title(), /Peluit/, 'the title names the instance');

  // Landmarks and headings.
  await page.getByRole('banner').waitFor();
  await page.getByRole('contentinfo').waitFor();
  const main = page.getByRole('main');
  assert.equal(await main.count(), 1);
  assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
  assert.ok(await page.locator('h1').isVisible(), 'the h1 is visible');
  assert.ok((await page.locator('h2').count()) >= 3, 'sections have h2 headings');

  // The two ways in.
  const report = main.getByRole('link', { name: e.report, exact: true });
  const check = main.getByRole('link', { name: e.check, exact: true });
  assert.equal(await report.count(), 1);
  assert.equal(await check.count(), 1);
  assert.ok(await report.isVisible(), `"${e.report}" is visible`);
  assert.ok(await check.isVisible(), `"${e.check}" is visible`);
  assert.equal(await report.getAttribute('href'), e.reportHref);
  assert.equal(await check.getAttribute('href'), e.checkHref);
  await assertMinTarget(report, `"${e.report}"`);
  await assertMinTarget(check, `"${e.check}"`);
  const inView = await report.evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight);
  assert.ok(inView, 'the report button is on the first screen');

  // The language switch.
  const langNav = page.getByRole('navigation', { name: lang === 'id' ? 'Pilihan bahasa' : 'Language' });
  for (const other of ['Bahasa Indonesia', 'English']) {
    const link = langNav.getByRole('link', { name: other, exact: true });
    assert.equal(await link.count(), 1, `the language switch offers ${other}`);
    await assertMinTarget(link, `language link ${other}`);
  }
  assert.equal(await langNav.locator('[aria-current="true"]').textContent(), e.langName);

  // Every category from web/data/categories.json, localized.
  const labels = await page.locator('.category__label').allTextContents();
  assert.deepEqual(labels.map((s) => s.trim()), categories.map((c) => c.label[lang]));

  // The skip link is the first thing a keyboard reaches, and it shows itself.
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({
    href: document.activeElement.getAttribute('href'),
    top: document.activeElement.getBoundingClientRect().top,
  }));
  assert.equal(focused.href, '#main');
  assert.ok(focused.top >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Escape');
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

describe('landing page', () => {
  test('responds with the security headers', async () => {
    const res = await fetch(server.url, { redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^text\/html/);
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    assert.match(html, /<html lang="id"/, 'Indonesian without a language preference');
    assert.doesNotMatch(html, /\sstyle=|<style|onclick=|<script>/i, 'no inline style or script');

    for (const [file, type] of [['style.css', /^text\/css/], ['app.js', /javascript/],
      ['favicon.svg', /^image\/svg\+xml/]]) {
      const r = await fetch(new URL(`static/${file}`, server.url));
      assert.equal(r.status, 200, `/static/${file}`);
      assert.match(r.headers.get('content-type') || '', type, `/static/${file} content type`);
      await r.arrayBuffer();
    }
  });

  test('is in Indonesian by default', async () => {
    const v = await visit('/');
    try {
      await assertLanding(v, 'id');
      await screenshot(v.page, 'landing-id.png');
      await assertClean(v);
    } finally {
      await v.context.close();
    }
  });

  test('is in English with ?lang=en', async () => {
    const v = await visit('/?lang=en');
    try {
      await assertLanding(v, 'en');
      await screenshot(v.page, 'landing-en.png');
      await assertClean(v);
    } finally {
      await v.context.close();
    }
  });

  test('switches language with the language links', async () => {
    const v = await visit('/');
    try {
      const { page } = v;
      assert.equal(await page.locator('html').getAttribute('lang'), 'id');
      await page.getByRole('navigation', { name: 'Pilihan bahasa' })
        .getByRole('link', { name: 'English', exact: true }).click();
      await page.waitForURL(/[?&]lang=en\b/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.ok(await page.getByRole('main').getByRole('link', { name: 'Make a report', exact: true }).isVisible());

      await page.getByRole('navigation', { name: 'Language' })
        .getByRole('link', { name: 'Bahasa Indonesia', exact: true }).click();
      await page.waitForURL(/[?&]lang=id\b/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'id');
      const report = page.getByRole('main').getByRole('link', { name: 'Buat Laporan', exact: true });
      assert.ok(await report.isVisible());
      assert.equal(await report.getAttribute('href'), '/lapor');
      await assertClean(v);
    } finally {
      await v.context.close();
    }
  });

  test('follows Accept-Language: en', async () => {
    const v = await visit('/', { locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en' } });
    try {
      await assertLanding(v, 'en');
      await assertClean(v);
    } finally {
      await v.context.close();
    }
  });

  test('works without JavaScript', async () => {
    const v = await visit('/', { javaScriptEnabled: false });
    try {
      await assertLanding(v, 'id');
      await assertClean(v);
    } finally {
      await v.context.close();
    }
  });

  test('unknown pages get an HTML 404 in the page language', async () => {
    const v = await visit('/no-such-page?lang=en', {}, { documentStatus: 404 });
    try {
      const { page } = v;
      assert.equal(v.response.status(), 404);
      assert.match(v.response.headers()['content-type'] || '', /^text\/html/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('h1').count(), 1);
      assert.ok(await page.locator('h1').isVisible());
      const home = page.getByRole('main').getByRole('link', { name: 'Back to home', exact: true });
      assert.equal(await home.getAttribute('href'), '/?lang=en');
      await screenshot(page, 'error-404-en.png');
      await assertClean(v);
    } finally {
      await v.context.close();
    }
  });
});
