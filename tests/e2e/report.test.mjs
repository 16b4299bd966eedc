// report.test.mjs: the citizen's pages in a real browser (Debian's Chromium driven by
// playwright-core) on a phone-sized screen, against a real `peluit serve` whose data directory
// starts with the trust-root supervisor, so that reports are accepted: the report form, the
// receipt, checking the status with the receipt, replying, adding evidence and signing out;
// with JavaScript (upload progress, kelurahan filter) and without it (Tor Browser "Safest").
// Run: node --test tests/e2e/   (PELUIT_BIN overrides the binary, default build/test/peluit)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, assertClean as assertCleanAt, go, makePng, openPage, startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.join(here, 'artifacts');

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const SUPERVISOR = { username: 'kepala', role: 'supervisor', name: 'Budi Santoso', password: 'teliti dan adil setiap hari' };

const MESSAGE = 'Setiap pagi petugas loket di kantor kelurahan meminta uang Rp50.000 di luar tarif resmi ' +
  'untuk mempercepat pengurusan surat keterangan domisili.\nHal ini terjadi sejak Maret 2026.';

let server;
let browser;
let files; /* {dir, photo, text, junk} */

before(async () => {
  await mkdir(artifacts, { recursive: true });
  const dir = await mkdtemp(path.join(tmpdir(), 'peluit-e2e-files-'));
  files = {
    dir,
    photo: path.join(dir, 'foto-loket.png'),
    text: path.join(dir, 'catatan-kejadian.txt'),
    junk: path.join(dir, 'data.bin'),
  };
  await writeFile(files.photo, makePng());
  // A few megabytes of plain text, so that the upload takes long enough to show progress.
  await writeFile(files.text, 'Catatan kejadian di loket kelurahan, ditulis setiap hari.\n'.repeat(60_000));
  await writeFile(files.junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
  server = await startServer({ users: [SUPERVISOR] });
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (files) await rm(files.dir, { recursive: true, force: true });
});

const url = (p) => new URL(p, server.url).href;
/* A phone context (see openPage); assertClean also checks there is no sideways scrolling on it. */
const open = (contextOptions = {}) => openPage(browser, { ...PHONE, ...contextOptions });
const assertClean = (s) => assertCleanAt(s, server.origin);

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `report-${name}.png`), fullPage: true });
}

/* Fills the report form (the page must be /lapor). */
async function fillReport(page, { category = 'korupsi', message = MESSAGE, kecamatan, kelurahan, phone, name } = {}) {
  await page.locator(`#category-${category}`).check();
  await page.locator('#message').fill(message);
  await page.locator('#involved').fill('Petugas loket pelayanan, Kelurahan Sukarasa');
  await page.locator('#occurred').fill('Maret 2026, setiap pagi');
  if (kecamatan) await page.locator('#kecamatan').selectOption(kecamatan);
  if (kelurahan) await page.locator('#kelurahan').selectOption(kelurahan);
  await page.locator('#address').fill('Kantor Kelurahan Sukarasa, loket 2');
  if (phone !== undefined) await page.locator('#phone').fill(phone);
  if (name !== undefined) await page.locator('#name').fill(name);
}

/* The receipt page: returns the receipt's 20 digits. */
async function readReceipt(page) {
  await page.locator('#receipt').waitFor();
  assert.equal((await page.locator('h1').textContent()).trim(), 'Simpan kode resi Anda');
  const groups = await page.locator('#receipt .keybox__group').allTextContents();
  assert.equal(groups.length, 4, 'the receipt is shown in four groups');
  for (const g of groups) assert.match(g, /^\d{5}$/);
  const receipt = groups.join('');
  assert.equal((await page.locator('#receipt').getAttribute('data-receipt')).replace(/ /g, ''), receipt);
  const box = await page.locator('#receipt').boundingBox();
  assert.ok(box.width <= 390, 'the receipt fits the phone screen');
  const fontSize = await page.locator('#receipt').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontSize >= 24, `the receipt is large (font-size ${fontSize}px)`);
  const text = await page.locator('main').innerText();
  assert.match(text, /hanya ditampilkan sekali/, 'says the code is shown once');
  assert.match(text, /tidak dapat dipulihkan/, 'says a lost code cannot be recovered');
  assert.match(text, /Rahasiakan kode ini/, 'says why to keep it secret');
  assert.match(text, /terima pada \d{1,2} [A-Z][a-z]+ \d{4}/, 'shows the date');
  const check = page.getByRole('main').getByRole('link', { name: 'Cek status laporan', exact: true });
  assert.equal(await check.count(), 1, 'links to the status page');
  assert.equal(await page.locator('.langs__link').count(), 0, 'no language switch that would lose the receipt');
  return receipt;
}

/* Enters the receipt on /cek and expects the reporter's report page. */
async function signInWithReceipt(page, typed) {
  await page.goto(url('/cek'));
  assert.equal((await page.locator('h1').textContent()).trim(), 'Cek status laporan');
  await page.getByLabel('Kode resi').fill(typed);
  await go(page, page.getByRole('button', { name: 'Lihat laporan', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/cek/laporan');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Laporan Anda');
}

describe('reporter pages', () => {
  test('the report form on a phone: fields, limits, identity and the kelurahan filter (JavaScript)', async () => {
    const s = await open();
    const { page } = s;
    try {
      const res = await page.goto(url('/lapor'));
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['cache-control'], 'no-store');
      assert.doesNotMatch(await res.text(), /\sstyle=|<style|onclick=|<script>/i, 'no inline style or script');
      assert.equal(await page.locator('html').getAttribute('lang'), 'id');
      assert.equal(await page.locator('h1').count(), 1);
      assert.equal((await page.locator('h1').textContent()).trim(), 'Buat laporan');
      const form = page.locator('#report-form');
      assert.equal(await form.getAttribute('action'), '/lapor');
      assert.equal(await form.getAttribute('enctype'), 'multipart/form-data');

      // Categories with their descriptions, as radio buttons.
      assert.equal(await page.locator('input[type="radio"][name="category"]').count(), 7);
      assert.ok(await page.getByRole('radio', { name: /^Korupsi/ }).isVisible());
      assert.match(await page.locator('label[for="category-korupsi"]').innerText(), /pungutan liar/);

      // Limits shown; the identity section says it is optional and what happens to it.
      const text = await page.locator('main').innerText();
      assert.match(text, /Paling sedikit 20 dan paling banyak 20\.000 karakter/);
      assert.match(text, /Paling banyak 10 berkas, masing-masing paling besar 100 MB/);
      assert.match(text, /JPEG, PNG/);
      const identity = await page.locator('#identity').innerText();
      assert.match(identity, /tidak wajib/);
      assert.match(identity, /dienkripsi/);
      assert.match(identity, /Kepala Inspektorat/);
      assert.match(identity, /dapat mengenali Anda/);
      // The one reader can be left out (the same list as the API's meta.recipients).
      assert.equal(await page.locator('input[name="exclude"]').count(), 1);
      assert.match(await page.locator('#exclude').innerText(), /Budi Santoso/);
      // Hidden data removal is on by default; the file input comes after every other field.
      assert.ok(await page.getByLabel('Hapus data tersembunyi dari berkas (disarankan)').isChecked());
      const last = await form.evaluate((f) => {
        const named = Array.from(f.elements).filter((e) => e.name);
        return named[named.length - 1].name;
      });
      assert.equal(last, 'evidence', 'files come last in the form');
      // The report form alone may ask for the location (Permissions-Policy geolocation=(self)):
      // with JavaScript the optional button appears.
      assert.equal(await page.locator('[data-location]').isVisible(), true);

      // The kelurahan filter: a kecamatan narrows the kelurahan to its own.
      const kel = page.locator('#kelurahan');
      const all = await kel.locator('option').count();
      assert.ok(await kel.locator('optgroup').count() > 1, 'grouped by kecamatan at first');
      await page.locator('#kecamatan').selectOption('tangerang');
      const values = await kel.locator('option').evaluateAll((os) => os.map((o) => o.value));
      assert.ok(values.length > 2 && values.length < all, `${values.length} of ${all} kelurahan remain`);
      assert.deepEqual(values.filter((v) => v && !v.startsWith('tangerang/')), [], 'only kelurahan of Tangerang');
      assert.equal(await kel.locator('optgroup').count(), 0);
      await kel.selectOption('tangerang/sukarasa');
      await page.locator('#kecamatan').selectOption('');
      assert.equal(await kel.inputValue(), 'tangerang/sukarasa', 'the choice stays when the list widens');
      // Choosing a kelurahan first fills in its kecamatan.
      await kel.selectOption('jatiuwung/keroncong');
      assert.equal(await page.locator('#kecamatan').inputValue(), 'jatiuwung');

      // Gentle warnings while typing.
      await page.locator('#message').fill('Hubungi saya di 0812 3456 7890 kapan saja, terima kasih banyak.');
      await page.locator('#message-warning').waitFor();
      assert.match(await page.locator('#message-warning').innerText(), /nomor telepon/);
      await page.locator('#message').fill('Kode 12345 67890 12345 67890 jangan ditulis di sini ya, mohon maaf.');
      await page.locator('#message-warning').filter({ hasText: 'kode resi' }).waitFor();
      await page.locator('#message').fill('');
      await page.locator('#message-warning').waitFor({ state: 'hidden' });

      await screenshot(page, 'form');
      await assertClean(s);
    } finally {
      await s.context.close();
    }
  });

  test('a refused submission shows the form again with everything typed (JavaScript)', async () => {
    const s = await open();
    const { page } = s;
    try {
      await page.goto(url('/lapor'));
      await fillReport(page, { phone: '12345', name: 'Warga Sukarasa', kecamatan: 'tangerang', kelurahan: 'tangerang/sukarasa' });
      await page.locator('#evidence-files').setInputFiles(files.photo);
      await page.getByRole('button', { name: 'Kirim laporan' }).click();
      await page.locator('#problem').waitFor();
      assert.ok(s.refused.some((d) => d.status === 400), 'the submission was answered 400');
      assert.match(await page.locator('#problem').innerText(), /Laporan belum terkirim/);
      assert.equal(await page.locator('#problem a').getAttribute('href'), '#phone');
      assert.match(await page.locator('#phone-error').innerText(), /Nomor telepon tidak valid/);
      assert.equal(await page.locator('#phone').getAttribute('aria-invalid'), 'true');
      // Nothing typed is lost.
      assert.equal(await page.locator('#message').inputValue(), MESSAGE);
      assert.ok(await page.locator('#category-korupsi').isChecked());
      assert.equal(await page.locator('#involved').inputValue(), 'Petugas loket pelayanan, Kelurahan Sukarasa');
      assert.equal(await page.locator('#occurred').inputValue(), 'Maret 2026, setiap pagi');
      assert.equal(await page.locator('#kecamatan').inputValue(), 'tangerang');
      assert.equal(await page.locator('#kelurahan').inputValue(), 'tangerang/sukarasa');
      assert.equal(await page.locator('#address').inputValue(), 'Kantor Kelurahan Sukarasa, loket 2');
      assert.equal(await page.locator('#phone').inputValue(), '12345');
      assert.equal(await page.locator('#name').inputValue(), 'Warga Sukarasa');
      // Files cannot be kept by a browser: the page says so.
      assert.match(await page.locator('#files-again').innerText(), /pilih lagi/);
      await screenshot(page, 'error');

      // The client checks files before sending.
      await page.locator('#phone').fill('');
      await page.locator('#evidence-files').setInputFiles([files.photo, files.photo, files.photo, files.photo,
        files.photo, files.photo, files.photo, files.photo, files.photo, files.photo, files.photo]);
      await page.locator('#evidence-check').waitFor();
      assert.match(await page.locator('#evidence-check').innerText(), /paling banyak 10/);
      await assertClean(s);
    } finally {
      await s.context.close();
    }
  });

  test('the whole way with JavaScript: progress, receipt, status, a reply, more evidence, sign out', async () => {
    const s = await open();
    const { page } = s;
    try {
      await page.goto(url('/lapor'));
      await fillReport(page, { kecamatan: 'tangerang', kelurahan: 'tangerang/sukarasa' });
      await page.locator('#evidence-files').setInputFiles([files.photo, files.text]);
      // Record what the progress bar shows (the window outlives the page it replaces).
      await page.evaluate(() => {
        window.seenProgress = [];
        const box = document.querySelector('[data-upload-progress]');
        new MutationObserver(() => {
          const bar = box.querySelector('progress');
          window.seenProgress.push({ value: bar.value, text: box.innerText, shown: !box.hidden });
        }).observe(box, { attributes: true, childList: true, subtree: true, characterData: true });
      });
      await page.getByRole('button', { name: 'Kirim laporan' }).click();
      const receipt = await readReceipt(page);
      const seen = await page.evaluate(() => window.seenProgress);
      assert.ok(seen.some((p) => p.shown), 'the progress bar was shown');
      assert.ok(seen.some((p) => /Mengirim… .* dari .* \(\d+%\)/.test(p.text)), 'bytes and percent were shown');
      assert.ok(seen.some((p) => p.value === 100), 'the progress bar reached 100%');
      assert.equal(new URL(page.url()).pathname, '/lapor', 'the receipt replaced the form page');

      // The files, honestly: the picture was cleaned; plain text holds no hidden data.
      const sent = page.locator('#sent-files');
      assert.match(await sent.innerText(), /foto-loket\.png/);
      assert.match(await sent.innerText(), /catatan-kejadian\.txt/);
      assert.equal(await sent.locator('[data-not-cleaned]').count(), 0);
      assert.equal(await sent.locator('.files__clean--yes').count(), 2);
      // Copy and save-as-text come with JavaScript.
      assert.ok(await page.getByRole('button', { name: 'Salin kode' }).isVisible());
      const save = page.getByRole('link', { name: 'Simpan sebagai teks' });
      const href = await save.getAttribute('href');
      assert.ok(href.startsWith('data:text/plain'), 'a data: URL, nothing fetched');
      assert.match(decodeURIComponent(href), new RegExp(receipt.replace(/(\d{5})(?=\d)/g, '$1 ')));
      assert.match(decodeURIComponent(href), new RegExp(`${server.origin}/cek`));
      assert.equal(await save.getAttribute('download'), 'kode-resi.txt');
      await screenshot(page, 'receipt');

      // Check the status with the receipt, typed with dashes.
      const typed = receipt.replace(/(\d{5})(?=\d)/g, '$1-');
      await signInWithReceipt(page, typed);
      assert.equal(await page.locator('#status').getAttribute('data-status'), 'received');
      assert.equal((await page.locator('#status').textContent()).trim(), 'Diterima');
      assert.match(await page.locator('#timeline').innerText(), /Diterima/);
      assert.match(await page.locator('#content-message').innerText(), /Rp50\.000 di luar tarif resmi/);
      assert.match(await page.locator('#isi').innerText(), /Sukarasa/);
      assert.match(await page.locator('#identity-none').innerText(), /anonim/);
      assert.match(await page.locator('#case-files').innerText(), /foto-loket\.png/);
      const thread = page.locator('#thread');
      assert.equal(await thread.locator('.thread__item--system').count(), 1, 'the acknowledgement');
      assert.match(await thread.innerText(), /Terima kasih/);

      // A reply appears in the thread.
      await page.getByLabel('Tulis balasan').fill('Saya juga melihat kejadian yang sama pada hari Senin.');
      await go(page, page.getByRole('button', { name: 'Kirim pesan' }));
      await page.locator('#sent-notice').waitFor();
      const mine = thread.locator('.thread__item--reporter');
      assert.equal(await mine.count(), 1);
      assert.match(await mine.innerText(), /Anda/);
      assert.match(await mine.innerText(), /hari Senin/);

      // More evidence, with progress; the page comes back with it.
      await page.locator('#bukti input[type="file"]').setInputFiles(files.photo);
      await page.getByRole('button', { name: 'Kirim berkas' }).click();
      await page.locator('#added-notice').waitFor();
      assert.match(await page.locator('#added-notice').innerText(), /1 berkas sudah ditambahkan/);
      assert.equal(await page.locator('#case-files .files__item').count(), 3);
      assert.equal(new URL(page.url()).pathname, '/cek/laporan');
      await screenshot(page, 'case');

      // A refused message is kept.
      await page.getByLabel('Tulis balasan').fill('x'.repeat(10));
      await page.locator('#reply').evaluate((el) => { el.value = `${'panjang '.repeat(700)}`; });
      await go(page, page.getByRole('button', { name: 'Kirim pesan' }));
      assert.match(await page.locator('#reply-error').innerText(), /paling banyak 5\.000 karakter/);
      assert.match(await page.locator('#reply').inputValue(), /^panjang panjang/);

      // Sign out; the report page then leads back to /cek.
      await go(page, page.locator('#logout'));
      assert.equal(new URL(page.url()).pathname, '/cek');
      assert.match(await page.getByRole('status').first().innerText(), /Anda sudah keluar/);
      await page.goto(url('/cek/laporan'));
      assert.equal(new URL(page.url()).pathname, '/cek');
      assert.match(await page.locator('#session-ended').innerText(), /Sesi Anda telah berakhir/);
      await assertClean(s);

      // A wrong receipt gets the generic message.
      await page.getByLabel('Kode resi').fill('1234 5678 9012 3456 7890');
      await go(page, page.getByRole('button', { name: 'Lihat laporan', exact: true }));
      assert.match(await page.locator('#problem').innerText(), /Kode resi tidak dikenal/);
      assert.equal(await page.getByLabel('Kode resi').inputValue(), '1234 5678 9012 3456 7890');
      await screenshot(page, 'check-wrong');
    } finally {
      await s.context.close();
    }
  });

  test('the whole way without JavaScript (Tor Browser "Safest")', async () => {
    const s = await open({ javaScriptEnabled: false });
    const { page } = s;
    try {
      await page.goto(url('/lapor'));
      // One kelurahan list, grouped by kecamatan; the kecamatan is taken from the kelurahan.
      assert.ok(await page.locator('#kelurahan optgroup').count() > 1);
      await fillReport(page, { category: 'pengadaan', kelurahan: 'jatiuwung/keroncong', phone: '0812-3456-7890', name: 'Siti' });

      // A file of a type not accepted: the form comes back with everything typed.
      await page.locator('#evidence-files').setInputFiles(files.junk);
      await go(page, page.getByRole('button', { name: 'Kirim laporan' }));
      assert.ok(s.refused.some((d) => d.status === 415), 'answered 415');
      assert.match(await page.locator('#evidence-error').innerText(), /bukan jenis yang diterima/);
      assert.equal(await page.locator('#message').inputValue(), MESSAGE);
      assert.ok(await page.locator('#category-pengadaan').isChecked());
      assert.equal(await page.locator('#kelurahan').inputValue(), 'jatiuwung/keroncong');
      assert.equal(await page.locator('#kecamatan').inputValue(), 'jatiuwung');
      assert.equal(await page.locator('#phone').inputValue(), '0812-3456-7890');
      await screenshot(page, 'nojs-error');

      // One file more than the limit: 413, and the form again.
      await page.locator('#evidence-files').setInputFiles(Array(11).fill(files.photo));
      await go(page, page.getByRole('button', { name: 'Kirim laporan' }));
      assert.ok(s.refused.some((d) => d.status === 413), 'answered 413');
      assert.match(await page.locator('#evidence-error').innerText(), /paling banyak 10 berkas/);
      assert.equal(await page.locator('#message').inputValue(), MESSAGE);

      await page.locator('#evidence-files').setInputFiles(files.photo);
      await go(page, page.getByRole('button', { name: 'Kirim laporan' }));
      const receipt = await readReceipt(page);
      assert.ok(await page.locator('.keybox__save.when-nojs').isVisible(), 'says to write the code down');
      assert.equal(await page.getByRole('button', { name: 'Salin kode' }).count(), 0);
      assert.match(await page.locator('#sent-files').innerText(), /foto-loket\.png/);
      await screenshot(page, 'nojs-receipt');

      await signInWithReceipt(page, receipt.replace(/(\d{5})(?=\d)/g, '$1 '));
      assert.match(await page.locator('#content-message').innerText(), /Rp50\.000/);
      assert.match(await page.locator('#isi').innerText(), /Keroncong/);
      const identity = await page.locator('#identity').innerText();
      assert.match(identity, /\+6281234567890/);
      assert.match(identity, /Siti/);
      await page.getByLabel('Tulis balasan').fill('Terima kasih, saya akan mengirim foto lain.');
      await go(page, page.getByRole('button', { name: 'Kirim pesan' }));
      assert.match(await page.locator('#thread .thread__item--reporter').innerText(), /foto lain/);
      await page.locator('#bukti input[type="file"]').setInputFiles(files.photo);
      await go(page, page.getByRole('button', { name: 'Kirim berkas' }));
      assert.match(await page.locator('#added-notice').innerText(), /1 berkas/);
      await screenshot(page, 'nojs-case');
      await go(page, page.locator('#logout'));
      assert.equal(new URL(page.url()).pathname, '/cek');
      await assertClean(s);
    } finally {
      await s.context.close();
    }
  });

  test('English is kept in every link and form', async () => {
    const s = await open();
    const { page } = s;
    try {
      await page.goto(url('/lapor?lang=en'));
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal((await page.locator('h1').textContent()).trim(), 'Make a report');
      assert.equal(await page.locator('#report-form').getAttribute('action'), '/lapor?lang=en');
      await page.goto(url('/cek?lang=en'));
      assert.equal(await page.locator('form[method="post"]').getAttribute('action'), '/cek?lang=en');
      assert.equal(await page.getByRole('main').getByRole('link', { name: 'Make a new report' }).getAttribute('href'), '/lapor?lang=en');
      await screenshot(page, 'check-en');
      await assertClean(s);
    } finally {
      await s.context.close();
    }
  });

  test('reporter pages are never in the request log', async () => {
    const log = server.log();
    assert.doesNotMatch(log, /\/lapor|\/cek/);
    assert.match(log, /GET|POST/, 'other requests are logged');
  });

  test('without a reader, the form says that reports cannot be accepted yet', async () => {
    const empty = await startServer();
    try {
      const res = await fetch(new URL('lapor', empty.url));
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /Laporan belum dapat diterima/);
      assert.doesNotMatch(html, /<form[^>]+action="\/lapor/);
    } finally {
      await empty.stop();
    }
  });
});
