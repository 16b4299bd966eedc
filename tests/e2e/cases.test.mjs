// cases.test.mjs: the staff's case pages in a real browser (Debian's Chromium driven by
// playwright-core) on a desktop screen, against a real `peluit serve` whose data directory
// starts with the trust-root supervisor and a confirmed investigator and leader, and reports
// submitted through the API. An investigator's day (inbox, case, evidence, status, a question
// to the reporter, an identity request that the supervisor approves), with JavaScript and once
// without it; a leader's read-and-note view; the 404 page for a report one cannot read.
// Run: node --test tests/e2e/   (PELUIT_BIN overrides the binary, default build/test/peluit)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, assertClean, go, makePng, openPage, signIn, startServer, submitReport } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.join(here, 'artifacts');

const SUPERVISOR = { username: 'kepala', role: 'supervisor', name: 'Budi Santoso', password: 'teliti dan adil setiap hari' };
const INVESTIGATOR = { username: 'pemeriksa1', role: 'investigator', name: 'Dewi Lestari', password: 'laporan ditangani dengan jujur', confirmed: true };
const LEADER = { username: 'bupati', role: 'leader', name: 'Hendra Wijaya', password: 'pimpinan membaca dengan cermat', confirmed: true };

const NOTES = Buffer.from('Catatan kejadian: petugas loket meminta Rp50.000 setiap pagi.\nSaksi: dua warga.\n');
const PHOTO = makePng(64, 40);

let server;
let browser;
/* The reports submitted in before(): {receipt, category, message, phone, name}. */
const reports = {};

async function report(key, category, extra = {}) {
  const fields = {
    category,
    message: `Laporan ${key}: petugas loket kantor kelurahan meminta uang di luar tarif resmi untuk mempercepat surat.`,
    involved: 'Petugas loket pelayanan',
    phone: '0812 3456 7890',
    name: `Pelapor ${key}`,
    ...extra,
  };
  const body = await submitReport(server.url, fields, [
    { name: 'catatan.txt', type: 'text/plain', data: NOTES },
    { name: 'foto-loket.png', type: 'image/png', data: PHOTO },
  ]);
  reports[key] = { ...fields, receipt: body.receipt };
}

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = await startServer({ users: [SUPERVISOR, INVESTIGATOR, LEADER] });
  browser = await chromium.launch(CHROMIUM);
  await report('js', 'korupsi');
  await report('nojs', 'pengadaan');
  // One the leader is excluded from: it must not exist for them.
  const meta = await (await fetch(new URL('/api/v1/meta', server.url))).json();
  const leader = meta.recipients.find((u) => u.name === LEADER.name);
  assert.ok(leader, 'the leader receives reports');
  await report('excluded', 'gratifikasi', { exclude: [leader.id] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const url = (p) => new URL(p, server.url).href;
const open = (options) => openPage(browser, options);
const clean = (s) => assertClean(s, server.origin);

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `cases-${name}.png`), fullPage: true });
}

/* A notice (role=status) with this text appears. */
async function notice(page, text) {
  await page.getByRole('status').filter({ hasText: text }).first().waitFor();
}

/* From the staff home, the inbox filtered to one category: returns the one row's link. */
async function openInbox(page, category) {
  await go(page, page.getByRole('navigation', { name: 'Menu petugas' }).getByRole('link', { name: 'Laporan', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/staff/reports');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Kotak masuk laporan');
  const counts = await page.locator('[data-status-count]:not([data-status-count="overdue"]) .status-count__n').allTextContents();
  assert.equal(counts.length, 7, 'a count for every status');
  assert.ok(counts.reduce((n, c) => n + Number(c), 0) >= 1, 'the counts show the reports');
  await page.locator('#f-category').selectOption(category);
  await go(page, page.getByRole('button', { name: 'Terapkan' }));
  assert.equal(new URL(page.url()).searchParams.get('category'), category);
  const rows = page.locator('#inbox-table tbody tr');
  assert.equal(await rows.count(), 1, `one ${category} report`);
  return rows.first();
}

/* The investigator's day on report `key`; `js` says whether the browser runs JavaScript. */
async function investigatorDay(key, js) {
  const r = reports[key];
  const inv = await open({ javaScriptEnabled: js, acceptDownloads: true });
  const rep = await open({ javaScriptEnabled: js });
  const sup = await open({ javaScriptEnabled: js });
  const shot = js ? 'js' : 'nojs';
  try {
    const { page } = inv;
    await signIn(page, server.url, INVESTIGATOR);
    assert.equal(await page.locator('[data-card="reports"]').count(), 1, 'the home page links the inbox');
    const row = await openInbox(page, r.category);
    assert.equal(await row.locator('.badge--received').count(), 1);
    const number = await row.getAttribute('data-number');
    assert.match(number, /^[A-Z0-9-]+$/);
    await screenshot(page, `${shot}-inbox`);

    // The case.
    await go(page, row.getByRole('link', { name: number }));
    assert.match(new URL(page.url()).pathname, /^\/staff\/reports\/[^/]+$/);
    const caseUrl = page.url();
    assert.equal((await page.locator('h1').textContent()).trim(), number);
    assert.equal(await page.locator('#case-status').getAttribute('data-status'), 'received');
    assert.equal(await page.locator('[data-deadline="ack"]').getAttribute('data-state'), 'open');
    assert.equal((await page.locator('#content-message').textContent()).trim(), r.message);
    assert.equal(await page.locator('#case-files .evidence__item').count(), 2);
    assert.equal(await page.locator('[data-identity-state="hidden"]').count(), 1, 'the identity is hidden');
    assert.equal(await page.locator('#assign-form').count(), 0, 'only supervisors assign');
    assert.equal(await page.locator('#grant-form').count(), 0, 'only supervisors grant');
    // The photo is shown inline from its sandboxed download address.
    const img = page.locator('[data-file="foto-loket.png"] img');
    await img.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    assert.equal(await img.evaluate((el) => el.naturalWidth), 64, 'the picture decodes');

    // Download the evidence: the exact bytes sent.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-file="catatan.txt"] [data-download]').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'catatan.txt');
    assert.deepEqual(await readFile(await download.path()), NOTES, 'the file downloads unchanged');
    await screenshot(page, `${shot}-case`);

    // Status: only the allowed next ones; then to verifying with a reason.
    const options = await page.locator('#status-to option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(options, ['', 'verifying', 'rejected']);
    if (js) { // a refused form (the reason is checked by the server too) keeps what was chosen
      await page.locator('#status-to').selectOption('verifying');
      await page.locator('#status-reason').evaluate((el) => el.removeAttribute('required'));
      await go(page, page.getByRole('button', { name: 'Ubah status' }));
      assert.equal(inv.refused.at(-1).status, 400);
      assert.match(await page.locator('#status-error').innerText(), /wajib diisi/);
      assert.equal(await page.locator('#status-to').inputValue(), 'verifying');
    }
    await page.locator('#status-to').selectOption('verifying');
    await page.locator('#status-reason').fill('Laporan Anda sedang kami verifikasi.');
    await page.locator('#status-note').fill('Cek daftar tarif resmi di kelurahan.');
    await go(page, page.getByRole('button', { name: 'Ubah status' }));
    assert.equal(new URL(page.url()).searchParams.get('done'), 'status');
    await notice(page, 'Status diubah.');
    assert.equal(await page.locator('#case-status').getAttribute('data-status'), 'verifying');
    assert.equal(await page.locator('[data-deadline="ack"]').getAttribute('data-state'), 'met');
    const history = await page.locator('#history-list').innerText();
    assert.match(history, /Sedang diverifikasi/);
    assert.match(history, /Cek daftar tarif resmi/, 'the internal note is in the history');

    // A question to the reporter.
    const question = `Kapan tepatnya kejadian terakhir (${key})?`;
    await page.locator('#message-body').fill(question);
    await go(page, page.getByRole('button', { name: 'Kirim pesan' }));
    await notice(page, 'Pesan terkirim kepada pelapor.');
    assert.match(await page.locator('#thread').innerText(), new RegExp(question.replace(/[()?]/g, '\\$&')));

    // The reporter sees it, with the new status and its reason, and answers.
    await rep.page.goto(url('/cek'));
    await rep.page.locator('#receipt').fill(r.receipt);
    await go(rep.page, rep.page.getByRole('button', { name: 'Lihat laporan' }));
    assert.equal(new URL(rep.page.url()).pathname, '/cek/laporan');
    assert.match(await rep.page.locator('#thread').innerText(), new RegExp(question.replace(/[()?]/g, '\\$&')));
    assert.equal(await rep.page.locator('#status').getAttribute('data-status'), 'verifying');
    assert.match(await rep.page.locator('#timeline').innerText(), /sedang kami verifikasi/);
    assert.doesNotMatch(await rep.page.locator('main').innerText(), /daftar tarif resmi/, 'the internal note stays internal');
    await rep.page.locator('#reply').fill('Terakhir hari Senin pagi, sekitar pukul 08.00.');
    await go(rep.page, rep.page.getByRole('button', { name: 'Kirim pesan', exact: true }));

    // The answer is marked new in the inbox.
    const again = await openInbox(page, r.category);
    assert.equal(await again.locator('[data-unread]').getAttribute('data-unread'), '1');
    await go(page, again.getByRole('link', { name: number }));
    assert.match(await page.locator('#thread').innerText(), /Senin pagi/);

    // An identity request.
    await page.locator('#identity-reason').fill('Perlu konfirmasi langsung dengan pelapor untuk saksi.');
    await go(page, page.getByRole('button', { name: 'Ajukan permintaan' }));
    await notice(page, 'Permintaan identitas diajukan.');
    assert.equal(await page.locator('[data-identity-state="pending"]').count(), 1);
    assert.equal(await page.locator('#identity-form').count(), 0, 'no second request while one waits');

    // The supervisor approves it.
    await signIn(sup.page, server.url, SUPERVISOR);
    assert.equal(await sup.page.locator('[data-identity-count]').getAttribute('data-identity-count'), '1');
    await go(sup.page, sup.page.getByRole('navigation', { name: 'Menu petugas' }).getByRole('link', { name: 'Permintaan identitas' }));
    assert.equal(new URL(sup.page.url()).pathname, '/staff/identity-requests');
    const request = sup.page.locator(`[data-number="${number}"][data-state="pending"]`);
    assert.match(await request.innerText(), /konfirmasi langsung/);
    assert.match(await request.innerText(), new RegExp(INVESTIGATOR.name));
    await screenshot(sup.page, `${shot}-identity-requests`);
    await request.getByLabel('Alasan keputusan').fill('Diperlukan untuk pemeriksaan saksi.');
    await go(sup.page, request.getByRole('button', { name: `Setujui ${number}` }));
    await notice(sup.page, 'Permintaan disetujui.');
    assert.equal(await sup.page.locator(`[data-number="${number}"][data-state="approved"]`).count(), 1);

    // The investigator now sees the identity.
    await page.goto(caseUrl);
    assert.equal((await page.locator('#identity-name').textContent()).trim(), r.name);
    assert.equal((await page.locator('#identity-phone').textContent()).trim(), '+6281234567890');
    await screenshot(page, `${shot}-identity`);

    await clean(inv);
    await clean(rep);
    await clean(sup);
  } finally {
    await inv.context.close();
    await rep.context.close();
    await sup.context.close();
  }
}

describe('case pages', () => {
  test("an investigator's day, and the supervisor's approval", async () => {
    await investigatorDay('js', true);
  });

  test("the same day without JavaScript", async () => {
    await investigatorDay('nojs', false);
  });

  test('a leader reads and writes notes, and nothing else', async () => {
    const s = await open();
    try {
      const { page } = s;
      await signIn(page, server.url, LEADER);
      const row = await openInbox(page, 'korupsi');
      assert.equal(await page.locator('#inbox-table tbody tr[data-number]').count(), 1);
      await go(page, row.locator('a.case-link'));
      assert.equal(await page.locator('#case-status').count(), 1);
      for (const form of ['#status-form', '#assign-form', '#grant-form', '#identity-form', '#message-form']) {
        assert.equal(await page.locator(form).count(), 0, `no ${form} for a leader`);
      }
      assert.equal(await page.locator('#status').count(), 0, 'no status section');
      assert.match(await page.locator('#thread').innerText(), /Senin pagi/, 'the messages are readable');
      assert.match(await page.locator('#messages').innerText(), /Hanya pemeriksa dan supervisor/);
      await page.locator('#note-body').fill('Mohon laporan perkembangan setiap bulan.');
      await go(page, page.getByRole('button', { name: 'Simpan catatan' }));
      await notice(page, 'Catatan disimpan.');
      assert.match(await page.locator('#notes-list').innerText(), /perkembangan setiap bulan/);
      assert.match(await page.locator('#notes-list').innerText(), new RegExp(LEADER.name));
      await screenshot(page, 'leader-case');

      // The excluded report is not in the inbox, and its page is the 404 page.
      await page.goto(url('/staff/reports?category=gratifikasi'));
      assert.equal(await page.locator('#inbox-table tbody tr').count(), 0);
      const inv = await open();
      try {
        await signIn(inv.page, server.url, INVESTIGATOR);
        await inv.page.goto(url('/staff/reports?category=gratifikasi'));
        const id = await inv.page.locator('#inbox-table tbody tr').first().getAttribute('data-id');
        assert.ok(id, 'the investigator reads the excluded report');
        const res = await page.goto(url(`/staff/reports/${id}`));
        assert.equal(res.status(), 404, 'a report one cannot read is the 404 page');
        assert.equal(await page.locator('#status-form, #content').count(), 0);
        const file = await page.goto(url(`/staff/reports/${id}/files/x`));
        assert.equal(file.status(), 404);
      } finally {
        await inv.context.close();
      }
    } finally {
      await s.context.close();
    }
  });

  test('the inbox in English, a refused filter, and the supervisor\'s forms', async () => {
    const s = await open();
    try {
      const { page } = s;
      await signIn(page, server.url, SUPERVISOR);
      await page.goto(url('/staff/reports?lang=en'));
      assert.equal((await page.locator('h1').textContent()).trim(), 'Report inbox');
      assert.equal(await page.locator('#inbox-table tbody tr').count(), 3);
      const res = await page.goto(url('/staff/reports?status=nope'));
      assert.equal(res.status(), 400);
      assert.match(await page.locator('#problem').innerText(), /Saringan "Status" tidak valid/);

      // The supervisor assigns the pengadaan case to the investigator, and may not grant the
      // gratifikasi case to the leader the reporter excluded (refused without saying why).
      await page.goto(url('/staff/reports?category=pengadaan'));
      await go(page, page.locator('#inbox-table a.case-link').first());
      await page.locator('#assignee').selectOption({ label: INVESTIGATOR.name });
      await go(page, page.getByRole('button', { name: 'Simpan penugasan' }));
      await notice(page, 'Penugasan disimpan.');
      assert.equal((await page.locator('#case-assignee').textContent()).trim(), INVESTIGATOR.name);

      await page.goto(url('/staff/reports?category=gratifikasi'));
      await go(page, page.locator('#inbox-table a.case-link').first());
      const caseUrl = page.url().split('?')[0];
      const grant = page.locator('#grant-user');
      const leaderOption = grant.locator('option', { hasText: LEADER.name });
      assert.equal(await leaderOption.count(), 1, 'confirmed readers without access are offered');
      await grant.selectOption(await leaderOption.getAttribute('value'));
      await go(page, page.getByRole('button', { name: 'Berikan akses' }));
      assert.equal(s.refused.at(-1).status, 409);
      assert.match(await page.locator('#access-error').innerText(), /tidak dapat diberikan/);
      // Access by routing at submission follows the reporter's choice: no revoke button for
      // it (grants are revoked; the API tests cover granting and revoking).
      const invRow = page.locator('#access-list li', { hasText: INVESTIGATOR.name });
      assert.equal(await invRow.count(), 1);
      assert.equal(await invRow.getByRole('button', { name: /Cabut/ }).count(), 0);
      await screenshot(page, 'supervisor-case');

      // The same case in English: every heading and form label is translated.
      await page.goto(`${caseUrl}?lang=en`);
      const titles = await page.locator('.block__title').allTextContents();
      assert.deepEqual(titles.map((t) => t.trim()), ['The report', 'Evidence', 'Messages with the reporter',
        'Internal notes', 'History', 'Change status', 'Assignment', "Reporter's identity", 'Access']);
      assert.equal(await page.locator('label:text-is("")').count(), 0, 'no empty label');
      assert.equal(await page.locator('#status-form').getAttribute('action'), `${new URL(page.url()).pathname}/status?lang=en`);
      await clean(s);
    } finally {
      await s.context.close();
    }
  });

  test('on a tablet, the inbox and a case fit the screen', async () => {
    const s = await open({ viewport: { width: 820, height: 1180 }, hasTouch: true });
    try {
      const { page } = s;
      await signIn(page, server.url, SUPERVISOR);
      await page.goto(url('/staff/reports'));
      await clean(s);
      await go(page, page.locator('#inbox-table a.case-link').first());
      await screenshot(page, 'tablet-case');
      const side = await page.locator('.case__side').boundingBox();
      const main = await page.locator('.case__main').boundingBox();
      assert.ok(side.x > main.x + main.width - 1, 'two columns: the forms beside the case');
      assert.ok(main.width >= 380, `the case column stays readable (${main.width}px)`);
      await clean(s);
    } finally {
      await s.context.close();
    }
  });
});
