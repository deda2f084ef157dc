// More follow-up pages (issue 3): editing a participant (errors kept next to
// their fields, scope, audit, the ESF entry snapshot left as it was), the
// ESF-style export of entries and exits (pseudonymous) and the dashboard's
// charts (Chart.js from npm, drawn under the strict CSP).
//
// Relies on `passerelle demo`: the PLIE's entries and exits between 17 March
// and 15 April 2020 (45 entries, 38 exits).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, axeViolations, screenshots, DEMO_PASSWORD } from './browser.mjs';

let rig;
const PERIOD = 'du=2020-03-17&au=2020-04-15';
const ESF_HEADER = ['mouvement', 'date_mouvement', 'parcours_id', 'participant_id', 'programme', 'structure',
  'date_entree', 'date_sortie', 'genre', 'tranche_age_entree', 'situation_emploi', 'niveau_formation',
  'minima_sociaux', 'rqth', 'qpv', 'logement', 'resultat_sortie', 'sortie_positive'];
const OUTSIDER = 'referent-ml-more@test.passerelle.fr';

before(async () => {
  rig = await startRig();
  const page = await (await rig.newContext()).newPage();
  await login(rig, page, 'admin');
  await page.goto(rig.url('/organisations?q=' + encodeURIComponent('Mission locale de Paris')));
  const href = await page.getByRole('link', { name: 'Mission locale de Paris', exact: true }).first().getAttribute('href');
  await page.close();
  const r = await rig.server.cli(['user', 'add', OUTSIDER, '--name', 'Rémi Ailleurs', '--role', 'referent', '--org',
    href.split('/').pop(), '--password-stdin'], DEMO_PASSWORD + '\n');
  assert.equal(r.code, 0, r.stderr);
});
after(async () => { await rig?.stop(); });

async function loginAs(email) {
  const page = await (await rig.newContext()).newPage();
  await page.goto(rig.url('/login'));
  await page.getByLabel('Adresse e-mail').fill(email.includes('@') ? email : `${email}@demo.passerelle.fr`);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL(rig.url('/')), page.getByRole('button', { name: 'Se connecter' }).click()]);
  return page;
}

async function noSeriousViolation(page, name) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${name}: axe\n${JSON.stringify(v, null, 2)}`);
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `${name}: one h1`);
}

async function submit(page, locator) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    locator.click(),
  ]);
  await page.waitForLoadState();
  return res.status();
}

// A CSV with ";" (quotes doubled inside quoted fields), BOM removed.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; ++i) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') ++i;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function esfExport(page, query = PERIOD) {
  const res = await page.request.get(rig.url('/tableau-de-bord/esf.csv?' + query));
  assert.equal(res.status(), 200);
  const body = await res.text();
  return { res, body, rows: parseCsv(body) };
}

let supervisor;
let edited; // { participantId, enrolmentId, labour }

test('the ESF export lists the period\'s 45 entries and 38 exits, without names', async () => {
  supervisor = await loginAs('supervisor');
  await supervisor.goto(rig.url('/tableau-de-bord?' + PERIOD));
  const link = supervisor.getByRole('link', { name: 'entrées et sorties FSE en CSV (;)' });
  assert.match(await link.getAttribute('href'), /^\/tableau-de-bord\/esf\.csv\?du=2020-03-17&au=2020-04-15/);

  const { res, body, rows } = await esfExport(supervisor);
  assert.match(res.headers()['content-type'], /^text\/csv/);
  assert.match(res.headers()['content-disposition'], /entrees-sorties-fse\.csv/);
  assert.ok(body.startsWith('\uFEFF'), 'a BOM for French spreadsheets');
  assert.deepEqual(rows[0], ESF_HEADER);
  const lines = rows.slice(1);
  assert.equal(lines.filter((l) => l[0] === 'entrée').length, 45, 'entries');
  assert.equal(lines.filter((l) => l[0] === 'sortie').length, 38, 'exits');
  assert.equal(lines.length, 83);
  for (const l of lines) {
    assert.equal(l.length, ESF_HEADER.length);
    assert.ok(l[1] >= '2020-03-17' && l[1] <= '2020-04-15', `movement date in the period: ${l[1]}`);
    assert.match(l[3], /^\d+$/);
    assert.match(l[9], /^(moins de 18 ans|18 à 29 ans|30 à 54 ans|55 ans et plus)$/);
    if (l[0] === 'sortie') {
      assert.notEqual(l[16], '', 'an exit has its outcome');
      assert.match(l[17], /^(oui|non)$/);
    }
  }
  // No names: the people of these lines are not named anywhere in the file.
  const ids = [...new Set(lines.map((l) => l[3]))].slice(0, 5);
  for (const id of ids) {
    await supervisor.goto(rig.url(`/participants/${id}`));
    const name = (await supervisor.getByRole('heading', { level: 1 }).textContent()).trim();
    const [first, ...last] = name.split(' ');
    assert.ok(!body.includes(last.join(' ')), `no last name (${last.join(' ')}) in the export`);
    assert.ok(!body.includes(first + ';') && !body.includes(';' + first), `no first name (${first}) in the export`);
  }
  // The "," variant and XLSX.
  const comma = await supervisor.request.get(rig.url('/tableau-de-bord/esf.csv?' + PERIOD + '&sep=virgule'));
  assert.ok((await comma.text()).startsWith(ESF_HEADER.join(',')));
  const xlsx = await supervisor.request.get(rig.url('/tableau-de-bord/esf.xlsx?' + PERIOD));
  assert.equal(xlsx.status(), 200);
  assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');
  // A bad period is refused.
  const bad = await supervisor.request.get(rig.url('/tableau-de-bord/esf.csv?du=2020-04-15&au=2020-03-17'));
  assert.equal(bad.status(), 400);

  const entry = lines.find((l) => l[0] === 'entrée' && l[10] !== '');
  assert.ok(entry, 'an entry with a labour status');
  edited = { participantId: entry[3], enrolmentId: entry[2], labour: entry[10], line: entry };
  rig.assertClean();
});

test('a participant is edited: errors next to their fields, values kept, then saved', async () => {
  assert.ok(edited, 'needs the ESF test');
  const page = supervisor;
  await page.goto(rig.url(`/participants/${edited.participantId}`));
  const fileName = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
  await Promise.all([page.waitForURL(rig.url(`/participants/${edited.participantId}/modifier`)),
    page.getByRole('link', { name: /^Modifier/ }).click()]);
  await page.getByRole('heading', { level: 1, name: `Modifier : ${fileName}` }).waitFor();
  await noSeriousViolation(page, 'edit form');
  assert.notEqual(await page.locator('#f-last_name').inputValue(), '', 'the form is filled with the person');
  assert.equal(await page.locator('#f-organisation_id').count(), 0, 'no structure on edit');
  assert.equal(await page.locator('#f-programme_id').count(), 0, 'no pathway on edit');
  const lastName = await page.locator('#f-last_name').inputValue();
  const birth = await page.locator('#f-birth_date').inputValue();

  // A different situation, a wrong e-mail and no last name.
  const labour = page.locator('#f-labour_status');
  const options = await labour.locator('option').evaluateAll((os) => os.map((o) => ({ v: o.value, t: o.textContent })));
  const other = options.find((o) => o.v !== '' && o.t !== edited.labour);
  await labour.selectOption(other.v);
  await page.locator('#f-last_name').fill('');
  await page.locator('#f-email').fill('pas-une-adresse');
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer' })), 422);
  await page.locator('#form-errors').waitFor();
  assert.match(await page.locator('#e-last_name').textContent(), /\S/);
  assert.match(await page.locator('#e-email').textContent(), /\S/);
  assert.equal(await page.locator('#f-last_name').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-email').inputValue(), 'pas-une-adresse', 'values kept');
  assert.equal(await labour.inputValue(), other.v, 'values kept');
  assert.equal(await page.locator('#f-birth_date').inputValue(), birth);
  await noSeriousViolation(page, 'edit form with errors');

  // Fixed.
  await page.locator('#f-last_name').fill(lastName);
  await page.locator('#f-email').fill('nouvelle.adresse@example.org');
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer' })), 303);
  assert.equal(page.url(), rig.url(`/participants/${edited.participantId}`));
  assert.match(await page.locator('.flash').textContent(), /enregistrées/);
  assert.match(await page.locator('main').textContent(), /nouvelle\.adresse@example\.org/);

  // The ESF entry snapshot is stored as it was: the export still shows the
  // situation at entry, not the new one.
  const { rows } = await esfExport(page);
  const again = rows.find((l) => l[0] === 'entrée' && l[2] === edited.enrolmentId);
  assert.deepEqual(again, edited.line, 'the entry line is unchanged');
  assert.notEqual(again[10], other.t);

  // Audited.
  const admin = await loginAs('admin');
  await admin.goto(rig.url('/admin/journal?action=update&utilisateur=supervisor%40demo.passerelle.fr'));
  const cells = await admin.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent.trim().replace(/\s+/g, ' '))));
  assert.ok(cells.some((c) => c[2] === 'Modification' && c[3] === `participant ${edited.participantId}`),
    `the update is in the journal: ${JSON.stringify(cells.slice(0, 3))}`);
  await admin.goto(rig.url('/admin/journal?action=export&utilisateur=supervisor%40demo.passerelle.fr'));
  const exports = await admin.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent.trim().replace(/\s+/g, ' '))));
  assert.ok(exports.some((c) => c[3].startsWith('esf') && /83 lignes, format csv/.test(c[4])),
    `the ESF export is in the journal: ${JSON.stringify(exports.slice(0, 3))}`);
  rig.assertClean();
});

test('someone outside the participant\'s organisations gets 404', async () => {
  assert.ok(edited);
  const page = await loginAs(OUTSIDER);
  const res = await page.goto(rig.url(`/participants/${edited.participantId}/modifier`));
  assert.equal(res.status(), 404);
  // Their ESF export does not hold the PLIE's people.
  const { rows } = await esfExport(page);
  assert.ok(!rows.slice(1).some((l) => l[3] === edited.participantId));
  rig.assertClean();
});

test('the dashboard draws its charts under the CSP, tables kept', async () => {
  const page = supervisor;
  await page.goto(rig.url('/tableau-de-bord?' + PERIOD));
  const canvases = page.locator('canvas[data-chart]');
  assert.equal(await canvases.count(), 2);
  // Chart.js sets the canvas size and draws once the deferred scripts ran.
  await page.waitForFunction(() => [...document.querySelectorAll('canvas[data-chart]')]
    .every((c) => window.Chart && window.Chart.getChart(c)));
  const drawn = await page.evaluate(() => [...document.querySelectorAll('canvas[data-chart]')].map((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ++n;
    return { type: c.dataset.chart, width: c.width, height: c.height, painted: n, hidden: c.getAttribute('aria-hidden') };
  }));
  for (const c of drawn) {
    assert.ok(c.width > 0 && c.height > 0, `${c.type}: sized`);
    assert.ok(c.painted > 1000, `${c.type}: drawn (${c.painted} pixels)`);
    assert.equal(c.hidden, 'true', `${c.type}: the table is the accessible version`);
  }
  // The doughnut's figures are the table's.
  const reach = JSON.parse(await page.locator('canvas[data-chart="doughnut"]').getAttribute('data-values'));
  const cell = async (label) => Number((await page.getByRole('row', { name: label }).locator('td').textContent())
    .replace(/\D/g, ''));
  assert.equal(reach[0] + reach[1], await cell('Personnes suivies à la date de fin'));
  assert.equal(reach[1], await cell('Personnes suivies non jointes sur la période'));
  assert.ok(await page.getByRole('table', { name: /type de difficulté/ }).isVisible());
  // chart.umd.js is loaded by the dashboard only.
  assert.equal(await page.locator('script[src="/static/chart.umd.js"]').count(), 1);
  await noSeriousViolation(page, 'dashboard');
  if (process.env.PASSERELLE_SCREENSHOTS) await screenshots(page, 'dashboard-charts');
  await page.goto(rig.url('/participants'));
  assert.equal(await page.locator('script[src="/static/chart.umd.js"]').count(), 0);
  rig.assertClean();
});
