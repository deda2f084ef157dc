// Clauses pages (issue 4) as a browser submits them, through a cookie-keeping
// client: the contracts table with its filters and exports, the bulk status
// form (errors in French, nothing changed; then all changed), the buyer's XLSX
// report, the rule sets page (an administrator previews then applies), the
// buyers page; out-of-scope ids 404, other roles 403, no CSRF 403, escaping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, loginAs, tokenClient, organisationIds, DEMO, stopServer } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

let server, facilitatorPage, adminPage, facilitatorApi, ids;

const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const flashOf = (html) => {
  const m = html.match(/<div class="flash flash-(\w+)" role="status">([^<]*)<\/div>/);
  return m ? unescape(m[2]) : null;
};

before(async () => {
  server = await startServer();
  facilitatorPage = await loginAs(server, 'facilitator');
  adminPage = await loginAs(server, 'admin');
  facilitatorApi = await tokenClient(server, 'facilitator');
  ids = await organisationIds(await tokenClient(server, 'admin'));
  // Holders are companies outside the network's tree: their ids come from the contracts.
  for (const c of (await facilitatorApi.call('GET', '/api/v1/contracts?limit=500')).body.items) ids[c.holder_name] = c.holder_organisation_id;
});
after(() => stopServer(server));

async function page(client, path, status = 200) {
  const res = await client.get(path);
  assert.equal(res.status, status, `${path}: ${res.status}`);
  return res.text();
}

async function suspendedContracts() {
  const res = await facilitatorApi.call('GET', '/api/v1/contracts?status=suspended&limit=500');
  return res.body;
}

test('the contracts table: count, filters, and the CSV export has the same rows', async () => {
  const html = await page(facilitatorPage, '/marches?statut=suspended');
  const suspended = await suspendedContracts();
  assert.match(text(html), new RegExp(`${suspended.total} marché\\(s\\)`));
  assert.ok(!/Actif depuis/.test(text(html)), 'only suspended contracts are listed');
  const csv = await facilitatorPage.get('/marches/export.csv?statut=suspended');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM for French spreadsheets');
  const lines = bytes.subarray(3).toString('utf8').trim().split(/\r\n/);
  assert.match(lines[0], /^reference;acheteur;objet;lots;secteur;titulaire;montant;/);
  assert.equal(lines.length - 1, suspended.total);
  const xlsx = await facilitatorPage.get('/marches/export.xlsx?statut=suspended');
  assert.equal(xlsx.status, 200);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  // Search by the buyer's name.
  assert.match(text(await page(facilitatorPage, '/marches?q=habitat')), /Nantes Métropole Habitat/);
});

test('a contract page shows its computation, status history and the buyer report downloads', async () => {
  const c = (await suspendedContracts()).items[0];
  const html = text(await page(facilitatorPage, `/marches/${c.id}`));
  assert.match(html, /Suspendu depuis le 17\/03\/2020/);
  assert.match(html, /ordonnance n° 2020-319 du 25 mars 2020/);
  assert.match(html, /Heures validées : [\d  ]+ h/);
  const report = await facilitatorPage.get(`/marches/${c.id}/rapport.xlsx`);
  assert.equal(report.status, 200);
  assert.match(report.headers.get('content-type'), /spreadsheetml/);
});

test('bulk status form: a missing reason comes back in French with nothing changed, then all change', async () => {
  const active = (await facilitatorApi.call('GET', '/api/v1/contracts?status=active&sector=catering&limit=3')).body.items;
  assert.equal(active.length, 3);
  const csrf = ApiClient.csrfOf(await page(facilitatorPage, '/marches'));
  const form = (extra) => [['_csrf', csrf], ...active.map((c) => ['ids', String(c.id)]), ['transition', 'suspend'],
    ['effective_on', '2020-03-17'], ['legal_reference', 'ordonnance n° 2020-319 du 25 mars 2020'], ...extra];
  let res = await facilitatorPage.post('/marches/statut', { form: form([['reason', '']]) });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(text(html), /Aucun statut n'a été changé/);
  assert.match(text(html), /Indiquez le motif du changement/);
  for (const c of active) assert.match(html, new RegExp(`value="${c.id}" id="sel-${c.id}" checked`), 'the selection is kept');
  assert.equal((await facilitatorApi.call('GET', `/api/v1/contracts/${active[0].id}`)).body.status, 'active');
  res = await facilitatorPage.post('/marches/statut', { form: form([['reason', 'Restaurants scolaires fermés'], ['back', '/marches']]) });
  assert.equal(res.status, 303);
  assert.match(flashOf(await page(facilitatorPage, '/marches')), /Statut changé pour 3 marché\(s\)/);
  for (const c of active) assert.equal((await facilitatorApi.call('GET', `/api/v1/contracts/${c.id}`)).body.status, 'suspended');
  // Without the CSRF token: refused, nothing changed.
  res = await facilitatorPage.post('/marches/statut', { form: [['ids', String(active[0].id)], ['transition', 'resume'], ['effective_on', '2020-05-11']] });
  assert.equal(res.status, 403);
  assert.equal((await facilitatorApi.call('GET', `/api/v1/contracts/${active[0].id}`)).body.status, 'suspended');
});

// The rows of the contract page's hours table: [month, person].
const hourRows = (html) => [...html.split('id="hours-table"')[1].split('</tbody>')[0].matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)]
  .map((m) => [unescape(m[1]), unescape(m[2])]);
const nextLink = (html) => { const m = html.match(/<a href="([^"]+)" rel="next">Heures plus anciennes/); return m ? unescape(m[1]) : null; };

test('a contract page lists its hours 50 at a time, newest month first, filtered by month or situation', async () => {
  const buyers = (await facilitatorApi.call('GET', '/api/v1/buyers')).body.items;
  const res = await facilitatorApi.call('POST', '/api/v1/contracts', {
    reference: 'PAGES-HEURES-1', title: 'Nettoyage des écoles', sector: 'cleaning', clause_type: 'execution_condition',
    buyer_id: buyers[0].id, holder_organisation_id: ids['Propreté Atlantique'], amount: '200000', notified_on: '2020-01-01',
    start_date: '2020-01-01', end_date: '2020-12-31', hours_mode: 'entered', required_hours: '5000' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  // 64 entries over four months (September to December 2020), one in three in telework.
  const made = [];
  for (let i = 0; i < 64; i++) {
    const month = `2020-${String(9 + (i % 4)).padStart(2, '0')}`;
    const situation = i % 3 === 1 ? 'telework' : 'worked';
    const r = await facilitatorApi.call('POST', '/api/v1/insertion-hours', { contract_id: id, person_name: `PERSONNE ${String(i).padStart(2, '0')}`,
      month, hours: '10', modality: 'direct_hire', situation, eligibility: 'rsa' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    made.push({ id: r.body.id, month, situation, person: r.body.person_name });
  }
  const expected = [...made].sort((a, b) => (a.month === b.month ? b.id - a.id : a.month < b.month ? 1 : -1));
  const monthFr = { '2020-09': 'septembre 2020', '2020-10': 'octobre 2020', '2020-11': 'novembre 2020', '2020-12': 'décembre 2020' };

  const first = await page(facilitatorPage, `/marches/${id}`);
  assert.match(text(first), /64 ligne\(s\), de la plus récente à la plus ancienne, 50 par page/);
  const rows1 = hourRows(first);
  assert.equal(rows1.length, 50);
  const next = nextLink(first);
  assert.ok(next, 'a link to the older hours');
  const second = await page(facilitatorPage, next);
  const rows2 = hourRows(second);
  assert.equal(rows2.length, 14);
  assert.equal(nextLink(second), null);
  assert.match(second, /« Heures les plus récentes/);
  assert.deepEqual([...rows1, ...rows2].map((r) => r[1]), expected.map((e) => e.person), 'every entry once, newest month first');
  assert.deepEqual(rows1[0][0], monthFr['2020-12']);

  const november = await page(facilitatorPage, `/marches/${id}?mois=2020-11`);
  assert.match(text(november), new RegExp(`${expected.filter((e) => e.month === '2020-11').length} ligne\\(s\\) pour ce filtre`));
  assert.deepEqual(hourRows(november).map((r) => r[1]), expected.filter((e) => e.month === '2020-11').map((e) => e.person));
  assert.match(november, /<option value="2020-11" selected>novembre 2020<\/option>/);
  const telework = await page(facilitatorPage, `/marches/${id}?situation=telework`);
  assert.deepEqual(hourRows(telework).map((r) => r[1]), expected.filter((e) => e.situation === 'telework').map((e) => e.person));
  const both = await page(facilitatorPage, `/marches/${id}?mois=2020-10&situation=telework`);
  const octoberTelework = expected.filter((e) => e.month === '2020-10' && e.situation === 'telework');
  assert.ok(octoberTelework.length > 0 && octoberTelework.length < 16);
  assert.match(text(both), new RegExp(`${octoberTelework.length} ligne\\(s\\) pour ce filtre`));
  assert.deepEqual(hourRows(both).map((r) => r[1]), octoberTelework.map((e) => e.person));
  const none = await page(facilitatorPage, `/marches/${id}?mois=2020-10&situation=sick_leave`);
  assert.match(text(none), /Aucune heure enregistrée pour ce filtre/);

  // Bad filters are named in French and ignored; a bad keyset shows the first page.
  const bad = unescape(await page(facilitatorPage, `/marches/${id}?mois=2020-13&situation=vacances`));
  assert.match(bad, /id="hfe-mois">Ce mois n'est pas valide : choisissez-le dans la liste\./);
  assert.match(bad, /id="hfe-situation">Cette situation n'existe pas : choisissez-la dans la liste\./);
  assert.equal(hourRows(bad).length, 50);
  assert.deepEqual(hourRows(await page(facilitatorPage, `/marches/${id}?apres=zz&apres_id=abc`)), rows1);

  // Another territory's facilitator: 404 on the page, with or without filters.
  const email = 'facilitateur.pages@exemple.fr';
  const paca = (await organisationIds(await tokenClient(server, 'admin')))[DEMO.paca];
  const out = await server.cli(['user', 'add', email, '--name', 'Paul Provence', '--role', 'facilitator', '--org', String(paca),
    '--password-stdin'], 'Un-mot-de-passe-solide-2020\n');
  assert.equal(out.code, 0, out.stderr);
  const stranger = await new ApiClient(server.url).signIn(email, 'Un-mot-de-passe-solide-2020');
  await page(stranger, `/marches/${id}`, 404);
  await page(stranger, `/marches/${id}?mois=2020-11&apres=2020-11&apres_id=1`, 404);
});

test('out of scope 404, other roles 403, and typed text is escaped', async () => {
  const c = (await suspendedContracts()).items[0];
  const referent = await loginAs(server, 'referent');
  await page(referent, '/marches', 403);
  await page(referent, `/marches/${c.id}`, 403);
  await page(referent, '/regles', 403);
  // The network officer of Île-de-France is not a facilitator.
  await page(await loginAs(server, 'network'), '/heures/a-examiner', 403);
  await page(facilitatorPage, '/marches/999999999', 404);
  await page(facilitatorPage, '/heures/a-examiner?marche=999999999', 404);
  const buyers = (await facilitatorApi.call('GET', '/api/v1/buyers')).body.items;
  const res = await facilitatorApi.call('POST', '/api/v1/contracts', {
    reference: 'XSS-1', title: '<script>alert(1)</script>', sector: 'cleaning', clause_type: 'reserved', buyer_id: buyers[0].id,
    holder_organisation_id: ids['Propreté Atlantique'], amount: '1000', notified_on: '2020-01-01', start_date: '2020-01-01',
    end_date: '2020-12-31', hours_mode: 'entered', required_hours: '10' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const html = await page(facilitatorPage, `/marches/${res.body.id}`);
  assert.ok(!html.includes('<script>alert(1)</script>'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('rule sets page: the administrator previews new dates, then applies them; a facilitator only reads', async () => {
  let html = await page(facilitatorPage, '/regles');
  assert.match(text(html), /État d'urgence sanitaire 2020 version 1/);
  assert.match(text(html), /Seul un administrateur peut modifier les dates d'effet/);
  const id = (await facilitatorApi.call('GET', '/api/v1/rule-sets')).body.items.find((s) => s.code === 'covid_2020').id;
  const facilitatorCsrf = ApiClient.csrfOf(html);
  let res = await facilitatorPage.post(`/regles/${id}/apercu`, { form: { _csrf: facilitatorCsrf, effective_from: '2020-03-12', effective_to: '2020-05-31' } });
  assert.equal(res.status, 403);

  html = await page(adminPage, '/regles');
  const csrf = ApiClient.csrfOf(html);
  res = await adminPage.post(`/regles/${id}/apercu`, { form: { _csrf: csrf, effective_from: '2020-03-12', effective_to: '2020-02-01' } });
  assert.equal(res.status, 422);
  assert.match(text(await res.text()), /La fin d'effet ne peut pas précéder le début/);
  res = await adminPage.post(`/regles/${id}/apercu`, { form: { _csrf: csrf, effective_from: '2020-03-12', effective_to: '2020-05-31' } });
  assert.equal(res.status, 200);
  const preview = text(await res.text());
  const m = preview.match(/(\d+) ligne\(s\) d'heures seraient recalculées, dont (\d+) changeraient de décision/);
  assert.ok(m, preview.slice(0, 500));
  assert.ok(Number(m[2]) > 0);
  res = await adminPage.post(`/regles/${id}`, { form: { _csrf: csrf, effective_from: '2020-03-12', effective_to: '2020-05-31' } });
  assert.equal(res.status, 303);
  html = text(await page(adminPage, '/regles'));
  assert.match(html, new RegExp(`dont ${m[2]} décision\\(s\\) changée\\(s\\)`));
  assert.match(html, /État d'urgence sanitaire 2020 version 2/);
  assert.match(html, /du 12\/03\/2020 au 31\/05\/2020/);
  assert.match(html, /Versions précédentes/);
  // The change is in the audit journal.
  const journal = text(await page(adminPage, '/admin/journal'));
  assert.match(journal, /Dates d'effet 2020-03-12 – 2020-05-31/);
});

test('buyers page: progress by buyer and by holder, computed from the rows', async () => {
  const html = text(await page(facilitatorPage, '/acheteurs'));
  for (const name of ['Ville de Nantes', 'Nantes Métropole Habitat', "Régie de l'eau de Nantes Métropole"]) assert.match(html, new RegExp(name));
  const progress = (await facilitatorApi.call('GET', '/api/v1/buyers')).body.progress;
  const total = progress.reduce((n, g) => n + g.contracts, 0);
  const listed = (await facilitatorApi.call('GET', '/api/v1/contracts?limit=1')).body.total;
  assert.equal(total, listed);
});
