// Territorial diagnostic (issue 5, seed 002): relationships between
// organisations with dates and history, and the picture of a department or a
// region computed from them; staff only, in their subtree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, demoEmail } from '../support/server.mjs';
import { startServer } from '../support/server.mjs';
import { tokenClient, organisationIds, stopServer, DEMO } from '../support/api.mjs';

let server, admin, network, member, ids;
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');  // Île-de-France
  member = await tokenClient(server, 'member');
  ids = await organisationIds(admin);
});
after(() => stopServer(server));

test('Loire-Atlantique: actors by kind, who works with whom, missing kinds, the member without a prescriber', async () => {
  const res = await admin.call('GET', '/api/v1/diagnostic?department=44');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const d = res.body;
  assert.equal(d.territory, 'Loire-Atlantique (44)');
  const kinds = Object.fromEntries(d.actors_by_kind.map((k) => [k.kind, k.count]));
  // The 7 employers are the employment demo's (job offers of the Maison de l'emploi de Nantes).
  assert.deepEqual(kinds, { aci: 1, ai: 1, mde: 1, france_travail: 1, buyer: 1, employer: 7 });
  assert.equal(d.links, 3, 'France Travail → Solipass, Nantes Métropole → Solipass, Solipass → délégation; the MDE convention ended');
  const cell = (a, b) => d.matrix.find((m) => m.kind === a && m.other_kind === b)?.links ?? 0;
  assert.equal(cell('aci', 'france_travail'), 1);
  assert.equal(cell('france_travail', 'aci'), 1);
  assert.equal(cell('ai', 'mde'), 0);
  const missing = d.missing_kinds.map((k) => k.kind);
  assert.ok(missing.includes('mission_locale') && missing.includes('cap_emploi'));
  assert.ok(!missing.includes('aci'));
  assert.deepEqual(d.members_without_prescriber.map((a) => a.name), ['Association intermédiaire Erdre et Loire']);
});

test('a relationship: every error at once, then recorded with its history, then ended', async () => {
  const bad = await network.call('POST', '/api/v1/relationships', {
    from_organisation_id: ids['Cap emploi Paris'], to_organisation_id: ids['Cap emploi Paris'], kind: 'ami', start_date: '2024-13-01',
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(Object.keys(byField(bad)).sort(), ['kind', 'start_date', 'to_organisation_id']);
  const outside = await network.call('POST', '/api/v1/relationships', {
    from_organisation_id: ids['Cap emploi Paris'], to_organisation_id: ids[DEMO.solipass], kind: 'partner_prescriber', start_date: '2024-01-01',
  });
  assert.equal(outside.status, 422);
  assert.match(byField(outside).to_organisation_id, /introuvable dans votre périmètre/);

  const before = (await network.call('GET', '/api/v1/diagnostic?department=75')).body;
  const ok = await network.call('POST', '/api/v1/relationships', {
    from_organisation_id: ids['Cap emploi Paris'], to_organisation_id: ids['Nettoyage Solidaire Paris'], kind: 'partner_prescriber',
    start_date: '2024-01-01', note: 'Orientation de travailleurs handicapés',
  });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.kind_label, 'Partenaire prescripteur');
  assert.equal(ok.body.history[0].action, 'created');
  assert.equal(ok.body.history[0].by, 'Nadia Chargée de mission');
  const after = (await network.call('GET', '/api/v1/diagnostic?department=75')).body;
  assert.equal(after.links, before.links + 1);

  const badEnd = await network.call('POST', `/api/v1/relationships/${ok.body.id}/end`, { end_date: '2023-01-01' });
  assert.equal(badEnd.status, 422);
  const ended = await network.call('POST', `/api/v1/relationships/${ok.body.id}/end`, { end_date: '2025-06-30' });
  assert.equal(ended.status, 200);
  assert.equal(ended.body.end_date, '2025-06-30');
  assert.deepEqual(ended.body.history.map((h) => h.action), ['created', 'ended']);
  assert.equal((await network.call('GET', '/api/v1/diagnostic?department=75')).body.links, before.links);
});

test('scope and roles: 404 outside the subtree, 403 without the role, 400 for an unknown territory', async () => {
  const pdl = (await admin.call('GET', `/api/v1/relationships?organisation_id=${ids[DEMO.solipass]}`)).body.items;
  assert.ok(pdl.length >= 2);
  assert.equal((await network.call('GET', `/api/v1/relationships/${pdl[0].id}`)).status, 404);
  assert.equal((await network.call('POST', `/api/v1/relationships/${pdl[0].id}/end`, { end_date: '2026-01-01' })).status, 404);
  const seen = (await network.call('GET', '/api/v1/diagnostic?department=44')).body;
  assert.equal(seen.actors.length, 0, 'the Île-de-France delegation sees no actor in Loire-Atlantique');
  assert.equal((await member.call('GET', '/api/v1/diagnostic?department=44')).status, 403);
  assert.equal((await member.call('GET', '/api/v1/relationships')).status, 403);
  assert.equal((await admin.call('GET', '/api/v1/diagnostic?department=999')).status, 400);
});

test('the diagnostic page draws its chart from data attributes and exports CSV and XLSX', async () => {
  const page = new Client(server.url);
  await page.login(demoEmail('admin'));
  const html = await (await page.get('/diagnostic?departement=44')).text();
  assert.match(html, /Diagnostic territorial — Loire-Atlantique \(44\)/);
  assert.match(html, /<canvas data-chart="bar" data-labels="\[/);
  assert.match(html, /Association intermédiaire Erdre et Loire/);
  assert.ok(!/<script>/.test(html), 'no inline script under the CSP');
  const csv = await page.get('/diagnostic/export.csv?departement=44');
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith('territoire;rubrique;type;type_partenaire;nombre;organisation\r\n'));
  assert.match(text, /Loire-Atlantique \(44\);adhérent sans prescripteur;Association intermédiaire \(AI\);;;Association intermédiaire Erdre et Loire/);
  const xlsx = await page.get('/diagnostic/export.xlsx?region=52');
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  const form = await (await page.get('/relations/nouvelle')).text();
  const bad = await page.post('/relations', { form: { _csrf: Client.csrfOf(form), from_organisation_id: '', kind: '', start_date: 'hier', note: 'à garder' } });
  assert.equal(bad.status, 422);
  const body = await bad.text();
  assert.match(body, /Choisissez la première organisation/);
  assert.match(body, /value="à garder"/);
});

test('the OpenAPI document describes relationships and the diagnostic', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/relationships', '/api/v1/relationships/{id}', '/api/v1/relationships/{id}/end', '/api/v1/diagnostic'])
    assert.ok(doc.paths[p], p);
  assert.ok(doc.components.schemas.Relationship);
});

test('the list of relationships: filtered, searched, exported; ending one with a bad date keeps it next to the field', async () => {
  const page = new Client(server.url);
  assert.equal((await page.login(demoEmail('admin'))).status, 303);
  const all = await (await page.get('/relations')).text();
  const rows = (html) => [...html.matchAll(/<tr><td><a href="\/relations\/(\d+)">/g)].map((m) => m[1]);
  assert.ok(rows(all).length >= 2, 'the demo relationships are listed');
  const admins = (await admin.call('GET', '/api/v1/relationships?limit=200')).body.items;
  const solipass = admins.filter((r) => r.from_organisation_name === DEMO.solipass || r.to_organisation_name === DEMO.solipass);
  const searched = await (await page.get('/relations?q=solipass')).text();
  assert.deepEqual(rows(searched).sort(), solipass.map((r) => String(r.id)).sort(), 'accent-insensitive search on either organisation');
  const kind = admins[0].kind;
  const byKind = rows(await (await page.get(`/relations?type=${kind}`)).text());
  assert.deepEqual(byKind.sort(), admins.filter((r) => r.kind === kind).map((r) => String(r.id)).sort());
  const csv = await (await page.get('/relations/export.csv?q=solipass')).text();
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  assert.equal(lines[0], 'id;organisation;type;relation;organisation liée;type lié;début;fin;note');
  assert.equal(lines.length, solipass.length + 1);

  const id = solipass[0].id;
  const detail = await (await page.get(`/relations/${id}`)).text();
  const bad = await page.post(`/relations/${id}/fin`, { form: { _csrf: Client.csrfOf(detail), end_date: '1999-01-01' } });
  assert.equal(bad.status, 422);
  const body = await bad.text();
  assert.match(body, /id="e-end_date">La date de fin doit être une date valide, le \d\d\/\d\d\/\d{4} ou après/);
  assert.match(body, /name="end_date" type="date" value="1999-01-01"/);
  const memberPage = new Client(server.url);
  await memberPage.login(demoEmail('member'));
  assert.equal((await memberPage.get('/relations')).status, 403);
});
