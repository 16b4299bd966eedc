// staff.test.mjs: the staff pages in a real browser (Debian's Chromium driven by
// playwright-core) on a desktop screen, against a real `peluit serve` whose data directory
// starts with an administrator and the trust-root supervisor. The tests run in order and
// share that server: (b) makes the investigator that (c) and (d) use.
// Run: node --test tests/e2e/   (PELUIT_BIN overrides the binary, default build/test/peluit)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, assertClean as assertCleanAt, go, openPage, startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.join(here, 'artifacts');

const ADMIN = { username: 'admin', role: 'admin', name: 'Siti Rahmawati', password: 'kopi pagi di balai kota' };
const SUPERVISOR = { username: 'kepala', role: 'supervisor', name: 'Budi Santoso', password: 'teliti dan adil setiap hari' };
const INVESTIGATOR = { username: 'pemeriksa1', role: 'investigator', name: 'Dewi Lestari', password: 'laporan ditangani dengan jujur' };

let server;
let browser;
/* What (b) and (c) learn and later tests check. */
const shared = { fingerprint: null };

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = await startServer({ users: [ADMIN, SUPERVISOR] });
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const url = (p) => new URL(p, server.url).href;
const open = (contextOptions) => openPage(browser, contextOptions);
const assertClean = (s) => assertCleanAt(s, server.origin);

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `staff-${name}.png`), fullPage: true });
}

/* Fills the sign-in form and sends it (the page must be /staff/login). */
async function submitLogin(page, user, password, code) {
  const form = page.locator('form[action^="/staff/login"]');
  await form.getByLabel('Nama pengguna').fill(user.username);
  await form.getByLabel('Kata sandi', { exact: true }).fill(password);
  if (code !== undefined) await form.getByLabel(/^Kode verifikasi/).fill(code);
  await go(page, form.getByRole('button', { name: 'Masuk', exact: true }));
}

/* Signs in from the sign-in page and expects the staff home. */
async function signIn(page, user, code) {
  await page.goto(url('/staff/login'));
  await submitLogin(page, user, user.password, code);
  assert.equal(new URL(page.url()).pathname, '/staff', `${user.username} reaches the staff home`);
}

async function signOut(page) {
  await go(page, page.getByRole('banner').getByRole('button', { name: 'Keluar', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/staff/login');
  await page.getByRole('status').filter({ hasText: 'Anda sudah keluar.' }).waitFor();
}

/* The header shows who is signed in, with a sign-out button. */
async function assertSignedInAs(page, user) {
  const banner = page.getByRole('banner');
  assert.equal((await banner.locator('.staffbar__name').textContent()).trim(), user.name);
  assert.equal(await banner.locator('.staffbar__name').getAttribute('data-staff-user'), user.username);
  assert.ok(await banner.getByRole('button', { name: 'Keluar', exact: true }).isVisible());
}

/* RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of a base32 secret. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=-]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    assert.ok(i >= 0, `"${c}" is a base32 letter`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret, now = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/* (a) and (e): a wrong password, then the right one, the home page, and signing out. */
async function loginRoundTrip(s, shot) {
  const { page } = s;
  const res = await page.goto(url('/staff/login'));
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('html').getAttribute('lang'), 'id');
  assert.equal(await page.locator('h1').count(), 1);
  assert.equal((await page.locator('h1').textContent()).trim(), 'Masuk untuk petugas');
  assert.match(await page.title(), /^Masuk petugas · Peluit$/);
  assert.equal(await page.locator('.staffbar').count(), 0, 'no staff bar before signing in');

  await submitLogin(page, ADMIN, 'not the right password at all');
  const alert = page.getByRole('alert');
  assert.equal((await alert.textContent()).trim(), 'Nama pengguna atau kata sandi salah.');
  assert.equal(new URL(page.url()).pathname, '/staff/login');
  assert.ok(s.refused.some((d) => d.status === 401), 'a wrong password is answered 401');
  assert.equal(await page.getByLabel('Nama pengguna').inputValue(), ADMIN.username, 'the username is kept');
  assert.equal(await page.getByLabel('Kata sandi', { exact: true }).inputValue(), '', 'the password is not');
  assert.doesNotMatch(await page.content(), /not the right password/, 'no password in the page');
  await screenshot(page, `${shot}-login-error`);

  await submitLogin(page, ADMIN, ADMIN.password);
  assert.equal(new URL(page.url()).pathname, '/staff');
  assert.equal((await page.locator('h1').textContent()).trim(), `Selamat datang, ${ADMIN.name}`);
  await assertSignedInAs(page, ADMIN);
  assert.equal(await page.locator('[data-account-state]').first().getAttribute('data-account-state'), 'confirmed');
  const nav = page.getByRole('navigation', { name: 'Menu petugas' });
  for (const [name, href] of [['Pengguna', '/staff/users'], ['Pengaturan', '/staff/settings'],
    ['Jejak audit', '/staff/audit'], ['Akun saya', '/staff/account']]) {
    assert.equal(await nav.getByRole('link', { name, exact: true }).getAttribute('href'), href);
  }
  assert.equal(await nav.getByRole('link', { name: 'Konfirmasi akun' }).count(), 0, 'admins confirm no one');
  await screenshot(page, `${shot}-home`);

  await signOut(page);
  await page.goto(url('/staff'));
  assert.equal(new URL(page.url()).pathname, '/staff/login', 'the session ended');
  await assertClean(s);
}

describe('staff pages', () => {
  test('(a) sign in with a wrong then the right password, see the home page, sign out', async () => {
    const s = await open();
    try {
      await loginRoundTrip(s, 'a');
    } finally {
      await s.context.close();
    }
  });

  test('(b) the admin creates an investigator, who activates, keeps the recovery key and waits', async () => {
    const admin = await open();
    let code;
    try {
      const { page } = admin;
      await signIn(page, ADMIN);
      await go(page, page.getByRole('navigation', { name: 'Menu petugas' }).getByRole('link', { name: 'Pengguna' }));
      assert.equal(new URL(page.url()).pathname, '/staff/users');
      const table = page.locator('#users-table');
      assert.deepEqual(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.username)),
        ['admin', 'kepala']);
      assert.equal(await table.locator('tr[data-username="kepala"] [data-account-state]').getAttribute('data-account-state'),
        'confirmed');
      await screenshot(page, 'users');

      const form = page.locator('form[action^="/staff/users"]').filter({ has: page.getByLabel('Nama lengkap') });
      await form.getByLabel('Nama pengguna').fill(INVESTIGATOR.username);
      await form.getByLabel('Nama lengkap').fill(INVESTIGATOR.name);
      await form.getByLabel('Peran').selectOption('investigator');
      await go(page, form.getByRole('button', { name: 'Buat akun' }));
      assert.equal((await page.locator('h1').textContent()).trim(), 'Kode aktivasi');
      assert.equal(await page.locator('[data-code-for]').getAttribute('data-code-for'), INVESTIGATOR.username);
      code = await page.locator('#activation-code').getAttribute('data-secret');
      assert.match(code, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/, 'an activation code in groups');
      assert.equal((await page.locator('#activation-code').innerText()).replace(/\s+/g, ''), code.replace(/-/g, ''));
      assert.ok(await page.getByRole('button', { name: 'Salin' }).isVisible(), 'app.js adds a copy button');
      await screenshot(page, 'code');

      await go(page, page.getByRole('link', { name: 'Kembali ke daftar pengguna' }));
      assert.equal(await table.locator(`tr[data-username="${INVESTIGATOR.username}"] [data-account-state]`)
        .getAttribute('data-account-state'), 'activation');
      await signOut(page);
      await assertClean(admin);
    } finally {
      await admin.context.close();
    }

    const inv = await open();
    try {
      const { page, context } = inv;
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
      await page.goto(url('/staff/login'));
      await go(page, page.getByRole('link', { name: 'Aktifkan akun baru' }));
      assert.equal(new URL(page.url()).pathname, '/staff/activate');
      const form = page.locator('form[action^="/staff/activate"]');
      await form.getByLabel('Nama pengguna').fill(INVESTIGATOR.username);
      await form.getByLabel('Kode aktivasi').fill(code.toLowerCase().replace(/-/g, ' '));
      await form.getByLabel('Kata sandi baru', { exact: true }).fill(INVESTIGATOR.password);
      await form.getByLabel('Ulangi kata sandi baru').fill(`${INVESTIGATOR.password}!`);
      await go(page, form.getByRole('button', { name: 'Aktifkan akun' }));
      assert.match(await page.getByRole('alert').textContent(), /Kedua kata sandi tidak sama/);
      assert.equal(await form.getByLabel('Ulangi kata sandi baru').getAttribute('aria-invalid'), 'true');
      assert.equal(await form.getByLabel('Kode aktivasi').inputValue(), code.toLowerCase().replace(/-/g, ' '),
        'the code is kept');
      assert.equal(await form.getByLabel('Kata sandi baru', { exact: true }).inputValue(), '');
      await screenshot(page, 'activate-error');

      await form.getByLabel('Kata sandi baru', { exact: true }).fill(INVESTIGATOR.password);
      await form.getByLabel('Ulangi kata sandi baru').fill(INVESTIGATOR.password);
      await go(page, form.getByRole('button', { name: 'Aktifkan akun' }));
      assert.equal((await page.locator('h1').textContent()).trim(), 'Akun aktif. Simpan kunci pemulihan Anda');
      const key = page.locator('#recovery-key');
      const recovery = await key.getAttribute('data-secret');
      assert.match(recovery, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/, 'a recovery key of 8 groups');
      assert.equal(await key.locator('.keybox__group').count(), 8, 'shown in 8 groups');
      assert.ok(await key.isVisible());
      await page.getByRole('button', { name: 'Salin', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Kunci sudah disalin.' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), recovery, 'the key was copied');
      assert.ok(await page.getByRole('button', { name: 'Cetak', exact: true }).isVisible());
      assert.match(await page.locator('main').innerText(), /tidak memulihkan nama pengguna/);
      await screenshot(page, 'activated');

      const saved = page.getByLabel('Saya sudah menyimpan kunci pemulihan');
      assert.equal(await saved.getAttribute('required'), '', 'the checkbox is required');
      await page.getByRole('button', { name: 'Lanjut ke halaman masuk' }).click();
      assert.equal(new URL(page.url()).pathname, '/staff/activate', 'not without the checkbox');
      await saved.check();
      await go(page, page.getByRole('button', { name: 'Lanjut ke halaman masuk' }));
      assert.equal(new URL(page.url()).pathname, '/staff/login');
      await page.getByRole('status').filter({ hasText: 'Akun Anda sudah aktif' }).waitFor();

      await submitLogin(page, INVESTIGATOR, INVESTIGATOR.password);
      assert.equal(new URL(page.url()).pathname, '/staff');
      await assertSignedInAs(page, INVESTIGATOR);
      assert.equal(await page.locator('.page-head [data-account-state]').getAttribute('data-account-state'), 'pending');
      assert.equal((await page.locator('.page-head [data-account-state]').textContent()).trim(), 'Menunggu konfirmasi');
      const notice = page.locator('[data-pending-notice]');
      assert.match(await notice.innerText(), /supervisor harus mengonfirmasi/);
      shared.fingerprint = (await notice.locator('.fp').textContent()).trim();
      assert.match(shared.fingerprint, /^[0-9A-F]{4}( [0-9A-F]{4}){9}$/);
      assert.match(await page.locator('.quiet-box').innerText(), /ada di kotak masuk/, 'the home page leads to the inbox');
      await screenshot(page, 'home-pending');
      await assertClean(inv);
    } finally {
      await inv.context.close();
    }
  });

  test('(c) the supervisor confirms the investigator, whose home then shows it', async () => {
    assert.ok(shared.fingerprint, 'test (b) ran');
    const sup = await open();
    const inv = await open();
    try {
      const { page } = sup;
      await signIn(page, SUPERVISOR);
      await assertSignedInAs(page, SUPERVISOR);
      assert.equal(await page.locator('[data-pending-count]').getAttribute('data-pending-count'), '1');
      assert.ok(await page.locator('[data-warning="single_org_key_holder"]').isVisible(),
        'the only supervisor is told to confirm a second one');
      await screenshot(page, 'home-supervisor');

      await go(page, page.getByRole('navigation', { name: 'Menu petugas' }).getByRole('link', { name: 'Konfirmasi akun' }));
      assert.equal(new URL(page.url()).pathname, '/staff/pending');
      const row = page.locator(`#pending-table tr[data-username="${INVESTIGATOR.username}"]`);
      assert.equal((await row.locator('.fp').textContent()).trim(), shared.fingerprint,
        'the fingerprint matches the one the investigator reads');
      assert.match(await page.locator('main').innerText(), /Cocokkan sidik jari/);
      await screenshot(page, 'pending');
      await go(page, row.getByRole('button', { name: `Konfirmasi ${INVESTIGATOR.username}` }));
      assert.equal(new URL(page.url()).pathname, '/staff/pending');
      await page.getByRole('status').filter({ hasText: `Akun ${INVESTIGATOR.username} sudah dikonfirmasi.` }).waitFor();
      assert.ok(await page.locator('[data-empty]').isVisible(), 'the queue is empty');
      await assertClean(sup);

      await signIn(inv.page, INVESTIGATOR);
      const state = inv.page.locator('.page-head [data-account-state]');
      assert.equal(await state.getAttribute('data-account-state'), 'confirmed');
      assert.equal((await state.textContent()).trim(), 'Terkonfirmasi');
      assert.equal(await inv.page.locator('[data-pending-notice]').count(), 0);
      await screenshot(inv.page, 'home-confirmed');
      await assertClean(inv);
    } finally {
      await sup.context.close();
      await inv.context.close();
    }
  });

  test('(d) TOTP enrolment on the account page, then signing in asks for the code', async () => {
    const s = await open();
    try {
      const { page } = s;
      await signIn(page, INVESTIGATOR);
      await go(page, page.getByRole('navigation', { name: 'Menu petugas' }).getByRole('link', { name: 'Akun saya' }));
      assert.equal(new URL(page.url()).pathname, '/staff/account');
      assert.equal((await page.locator('#fingerprint').textContent()).trim(), shared.fingerprint,
        'the account page shows the user its own key fingerprint');
      assert.ok(await page.locator('[data-totp="off"]').isVisible());

      await go(page, page.getByRole('button', { name: 'Mulai aktivasi' }));
      assert.ok(await page.locator('.qr svg').isVisible(), 'the QR code is shown');
      const secret = (await page.locator('#totp-secret').getAttribute('data-secret')).replace(/\s/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/, 'the secret for manual entry');
      assert.equal(await page.locator('#totp-secret .secret__group').count(), 8, 'in groups of four');
      await screenshot(page, 'account-totp');

      // A wrong code first: refused, and the enrolment can still be finished.
      const wrong = totp(secret) === '000000' ? '111111' : '000000';
      await page.getByLabel('Kode verifikasi').fill(wrong);
      await go(page, page.getByRole('button', { name: 'Aktifkan verifikasi dua langkah' }));
      assert.match(await page.getByRole('alert').textContent(), /Kode salah/);
      assert.ok(await page.locator('[data-totp="off"]').isVisible());

      await page.getByLabel('Kode verifikasi').fill(totp(secret));
      await go(page, page.getByRole('button', { name: 'Aktifkan verifikasi dua langkah' }));
      assert.match(page.url(), /done=totp_on/);
      await page.getByRole('status').filter({ hasText: 'Verifikasi dua langkah sudah aktif.' }).waitFor();
      assert.ok(await page.locator('[data-totp="on"]').isVisible());
      await screenshot(page, 'account');
      await signOut(page);

      await submitLogin(page, INVESTIGATOR, INVESTIGATOR.password);
      assert.equal(new URL(page.url()).pathname, '/staff/login', 'not without the code');
      assert.match(await page.getByRole('alert').textContent(), /verifikasi dua langkah/);
      assert.equal(await page.locator('.field--attention #totp').count(), 1, 'the code field is emphasised');
      assert.equal(await page.getByLabel('Nama pengguna').inputValue(), INVESTIGATOR.username);
      assert.equal(await page.getByLabel('Kata sandi', { exact: true }).inputValue(), '');
      await screenshot(page, 'login-totp');

      await submitLogin(page, INVESTIGATOR, INVESTIGATOR.password, totp(secret));
      assert.equal(new URL(page.url()).pathname, '/staff');
      await assertSignedInAs(page, INVESTIGATOR);
      await assertClean(s);
    } finally {
      await s.context.close();
    }
  });

  test('(e) signing in and out works with JavaScript disabled', async () => {
    const s = await open({ javaScriptEnabled: false });
    try {
      await loginRoundTrip(s, 'nojs');
      assert.equal(await s.page.evaluate(() => document.documentElement.className), '', 'app.js did not run');
    } finally {
      await s.context.close();
    }
  });

  test('settings and the audit trail, for the supervisor and the administrator', async () => {
    const sup = await open();
    const admin = await open();
    try {
      let { page } = sup;
      await signIn(page, SUPERVISOR);
      await page.goto(url('/staff/settings'));
      assert.equal(await page.locator('[data-setting="instance_name"]').textContent(), 'Peluit',
        "the admin's settings are shown read-only");
      assert.equal(await page.getByLabel('Nama instansi').count(), 0);
      await page.getByLabel('Tenggat tanggapan awal (hari)').fill('10');
      await go(page, page.getByRole('button', { name: 'Simpan pengaturan' }));
      await page.getByRole('status').filter({ hasText: 'Pengaturan sudah disimpan.' }).waitFor();
      assert.equal(await page.getByLabel('Tenggat tanggapan awal (hari)').inputValue(), '10');
      await page.getByLabel('Tenggat penyelesaian (hari)').fill('5');
      await go(page, page.getByRole('button', { name: 'Simpan pengaturan' }));
      assert.match(await page.getByRole('alert').textContent(), /Tenggat penyelesaian \(hari\)/, 'the error names the field');
      assert.equal(await page.getByLabel('Tenggat penyelesaian (hari)').getAttribute('aria-invalid'), 'true');
      await screenshot(page, 'settings-supervisor');

      await go(page, page.getByRole('navigation', { name: 'Menu petugas' }).getByRole('link', { name: 'Jejak audit' }));
      const verdict = page.locator('[data-verdict]');
      assert.equal(await verdict.getAttribute('data-verdict'), 'ok');
      assert.match(await verdict.innerText(), /Jejak audit utuh/);
      const actions = await page.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action));
      for (const a of ['user.confirmed', 'user.activated', 'user.created', 'settings.changed', 'staff.login_failed']) {
        assert.ok(actions.includes(a), `the trail has ${a}`);
      }
      const seqs = await page.locator('#audit-table tbody td.num').allTextContents();
      assert.ok(seqs.map(Number).every((n, i, all) => i === 0 || all[i - 1] > n), 'newest first');
      await screenshot(page, 'audit');

      await page.getByLabel('Tindakan').selectOption('user.confirmed');
      await go(page, page.getByRole('button', { name: 'Terapkan' }));
      const filtered = await page.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action));
      assert.deepEqual(filtered, ['user.confirmed', 'user.confirmed'], 'the trust root and the investigator');
      await assertClean(sup);

      ({ page } = admin);
      await signIn(page, ADMIN);
      await page.goto(url('/staff/settings'));
      assert.equal(await page.locator('[data-setting="ack_days"]').textContent(), '10', "the supervisor's change");
      assert.equal(await page.getByLabel('Nama instansi').inputValue(), 'Peluit');
      await screenshot(page, 'settings-admin');
      const res = await page.goto(url('/staff/pending'));
      assert.equal(res.status(), 403, 'the queue is for supervisors');
      await assertClean(admin);
    } finally {
      await sup.context.close();
      await admin.context.close();
    }
  });

  test('English pages keep the language in links and redirects', async () => {
    const s = await open();
    try {
      const { page } = s;
      await page.goto(url('/staff/login?lang=en'));
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      const form = page.locator('form[action="/staff/login?lang=en"]');
      await form.getByLabel('Username').fill(ADMIN.username);
      await form.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await go(page, form.getByRole('button', { name: 'Sign in', exact: true }));
      assert.equal(new URL(page.url()).search, '?lang=en');
      assert.equal((await page.locator('h1').textContent()).trim(), `Welcome, ${ADMIN.name}`);
      const nav = page.getByRole('navigation', { name: 'Staff menu' });
      assert.equal(await nav.getByRole('link', { name: 'Users' }).getAttribute('href'), '/staff/users?lang=en');
      await screenshot(page, 'home-en');
      await go(page, page.getByRole('banner').getByRole('button', { name: 'Sign out' }));
      assert.equal(new URL(page.url()).search, '?out=1&lang=en');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await assertClean(s);
    } finally {
      await s.context.close();
    }
  });

  // Last: it makes the sign-in throttle wait, for a username no other test uses.
  test('repeated failed sign-ins are answered 429 with the wait', async () => {
    const form = new URLSearchParams({ username: 'tamu.tak.dikenal', password: 'salah sekali lagi' });
    let res;
    for (let i = 0; i < 8; i++) {
      res = await fetch(url('/staff/login'), { method: 'POST', body: form, redirect: 'manual' });
      if (res.status !== 401) break;
      await res.arrayBuffer();
    }
    assert.equal(res.status, 429, 'the throttle answers');
    const wait = Number(res.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After is a number of seconds (${wait})`);
    const html = await res.text();
    assert.match(html, new RegExp(`Coba lagi dalam ${wait} detik\\.`), 'the page says how long to wait');
    assert.match(html, /value="tamu\.tak\.dikenal"/, 'the username is kept');
    assert.doesNotMatch(html, /salah sekali lagi/, 'the password is not');
  });
});
