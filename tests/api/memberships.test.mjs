// Memberships (issue 5): statuses from the rules, record / renew / payment /
// override with history, the renewals-due and lapsed views, counts by region
// and kind, exports; staff of a delegation manage their subtree, a member
// reads its own, other roles 403, out of scope 404; bad input as problem+json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, demoEmail } from '../support/server.mjs';
import { tokenClient, organisationIds, stopServer, DEMO } from '../support/api.mjs';

let server, admin, network, member, partner, ids;
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
const isoDay = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');   // Délégation Île-de-France
  member = await tokenClient(server, 'member');     // Solipass (Pays de la Loire)
  partner = await tokenClient(server, 'partner');   // France Travail Paris 11e
  ids = await organisationIds(admin);
});
after(() => stopServer(server));

async function all(client, query) {
  const res = await client.call('GET', `/api/v1/memberships?${query}&limit=200`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

test('the status rules are data served by the API, with which statuses count as member', async () => {
  const res = await admin.call('GET', '/api/v1/membership-statuses');
  assert.equal(res.status, 200);
  const rules = Object.fromEntries(res.body.items.map((r) => [r.code, r]));
  assert.deepEqual(Object.keys(rules).sort(), ['cancelled', 'current', 'expired', 'grace', 'new', 'pending']);
  assert.equal(rules.grace.is_member, true);
  assert.equal(rules.expired.is_member, false);
  assert.equal(rules.grace.end_event, 'end_date');
  assert.equal(rules.grace.end_unit, 'month');
});

test('delegation staff see the memberships of their delegation only; the demo statuses are computed', async () => {
  const year = new Date().getUTCFullYear();
  const rows = await all(network, `year=${year}`);
  const names = new Set(rows.map((m) => m.organisation_name));
  assert.ok(names.has(DEMO.rebond) && names.has('Les Jardins de Montreuil'));
  assert.ok(!names.has(DEMO.solipass), 'Pays de la Loire is outside Île-de-France');
  assert.ok(rows.every((m) => m.delegation_name === DEMO.idf));
  const byName = Object.fromEntries(rows.map((m) => [m.organisation_name, m]));
  assert.equal(byName['Intérim Insertion Paris'].status, 'pending', 'fee not paid');
  assert.equal(byName['Intérim Insertion Paris'].is_member, false);
  assert.equal(byName['Les Indépendants solidaires'].status, 'cancelled');
  assert.equal(byName[DEMO.rebond].fee_cents, 45000);
});

test('the lapsed view lists organisations whose latest membership no longer counts', async () => {
  const names = (await all(admin, 'view=lapsed')).map((m) => m.organisation_name).sort();
  assert.deepEqual(names, ['Les Indépendants solidaires', DEMO.marseilleRecyclage].sort());
});

test('a member sees its own memberships only; other roles are refused', async () => {
  const mine = await all(member, '');
  assert.ok(mine.length >= 2);
  assert.ok(mine.every((m) => m.organisation_name === DEMO.solipass));
  const other = (await all(admin, 'view=lapsed'))[0];
  assert.equal((await member.call('GET', `/api/v1/memberships/${other.id}`)).status, 404);
  assert.equal((await member.call('POST', '/api/v1/memberships', { organisation_id: ids[DEMO.solipass], year: 2031, fee_cents: 1 })).status, 403);
  assert.equal((await member.call('POST', `/api/v1/memberships/${mine[0].id}/renew`, {})).status, 403);
  assert.equal((await partner.call('GET', '/api/v1/memberships')).status, 403);
  assert.equal((await partner.call('GET', `/api/v1/memberships/${mine[0].id}`)).status, 403);
});

test('staff of another delegation get 404 for a membership outside their subtree', async () => {
  const solipass = (await all(admin, `organisation_id=${ids[DEMO.solipass]}`))[0];
  assert.equal((await network.call('GET', `/api/v1/memberships/${solipass.id}`)).status, 404);
  assert.equal((await network.call('POST', `/api/v1/memberships/${solipass.id}/override`, { status: 'cancelled', reason: 'x' })).status, 404);
  const res = await network.call('POST', '/api/v1/memberships', { organisation_id: ids[DEMO.solipass], year: 2031, fee_cents: 100 });
  assert.equal(res.status, 422);
  assert.match(byField(res).organisation_id, /introuvable dans votre périmètre/);
});

test('bad input: every error at once, in French, as problem+json', async () => {
  const res = await network.call('POST', '/api/v1/memberships', {
    organisation_id: '', year: '26', fee_cents: -5, paid_date: '2026-02-30', start_date: '2026-06-01', end_date: '2026-05-01',
  });
  assert.equal(res.status, 422);
  assert.equal(res.type, 'application/problem+json');
  const f = byField(res);
  assert.deepEqual(Object.keys(f).sort(), ['end_date', 'fee_cents', 'organisation_id', 'paid_date', 'year']);
  assert.equal(f.end_date, 'La date de fin ne peut pas précéder la date de début.');
  assert.match(f.paid_date, /pas une date valide/);
});

test('record, duplicate, payment, renewal and override, each status change a history row', async () => {
  const org = ids['Atelier adapté des Hauts-de-Seine'];
  const created = await network.call('POST', '/api/v1/memberships', {
    organisation_id: org, year: 2030, fee_cents: 52050, join_date: '2030-01-01',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.status, 'pending', 'no paid date: pending');
  assert.equal(created.body.start_date, '2030-01-01');
  assert.equal(created.body.end_date, '2030-12-31');
  assert.equal(created.body.history.length, 1);
  assert.equal(created.body.history[0].by, 'Nadia Chargée de mission');

  const dup = await network.call('POST', '/api/v1/memberships', { organisation_id: org, year: 2030, fee_cents: 1 });
  assert.equal(dup.status, 422);
  assert.match(byField(dup).year, /déjà une adhésion pour cette année/);

  const paid = await network.call('POST', `/api/v1/memberships/${created.body.id}/payment`, { paid_date: isoDay(0) });
  assert.equal(paid.status, 200);
  assert.equal(paid.body.status, 'current', 'a future period, paid: current');
  assert.equal(paid.body.fee_cents, 52050, 'the fee is kept');
  assert.deepEqual(paid.body.history.map((h) => h.to_status), ['pending', 'current']);
  assert.equal(paid.body.history[1].reason, 'Cotisation payée');

  const renewed = await network.call('POST', `/api/v1/memberships/${created.body.id}/renew`, { fee_cents: 53000 });
  assert.equal(renewed.status, 201);
  assert.equal(renewed.body.year, 2031);
  assert.equal(renewed.body.start_date, '2031-01-01');
  assert.equal(renewed.body.end_date, '2031-12-31');
  assert.equal(renewed.body.join_date, '2030-01-01');
  assert.equal(renewed.body.renewed_from_id, created.body.id);
  const again = await network.call('POST', `/api/v1/memberships/${created.body.id}/renew`, {});
  assert.equal(again.status, 422, 'the next year exists already');

  const noReason = await network.call('POST', `/api/v1/memberships/${renewed.body.id}/override`, { status: 'dormante', until: '2001-01-01' });
  assert.equal(noReason.status, 422);
  assert.deepEqual(Object.keys(byField(noReason)).sort(), ['reason', 'status', 'until']);

  const forced = await network.call('POST', `/api/v1/memberships/${renewed.body.id}/override`, {
    status: 'cancelled', until: isoDay(30), reason: 'Fermeture administrative',
  });
  assert.equal(forced.status, 200);
  assert.equal(forced.body.status, 'cancelled');
  assert.equal(forced.body.override_until, isoDay(30));
  const last = forced.body.history.at(-1);
  assert.deepEqual([last.from_status, last.to_status, last.reason], ['pending', 'cancelled', 'Fermeture administrative']);

  const lifted = await network.call('POST', `/api/v1/memberships/${renewed.body.id}/override`, { status: 'auto', reason: 'Réouverture' });
  assert.equal(lifted.body.status, 'pending');
  assert.equal(lifted.body.status_override, null);
});

test('renewals due: the latest membership ending within 60 days, gone once renewed', async () => {
  const year = Number(isoDay(10).slice(0, 4));
  const before = await all(network, 'view=due');
  // A period ending in ten days, for an organisation without a later one.
  const res = await admin.call('POST', '/api/v1/memberships', {
    organisation_id: ids['E2C Seine-Saint-Denis'], year,
    fee_cents: 10000, paid_date: isoDay(-200), start_date: isoDay(-200), end_date: isoDay(10), join_date: isoDay(-200),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const due = await all(network, 'view=due');
  assert.ok(due.some((m) => m.id === res.body.id), 'ends in ten days: due');
  assert.equal(due.length, before.length + 1);
  const renewed = await network.call('POST', `/api/v1/memberships/${res.body.id}/renew`, { paid_date: isoDay(0) });
  assert.equal(renewed.status, 201);
  assert.equal(renewed.body.year, year + 1);
  assert.equal(renewed.body.start_date, isoDay(11));
  assert.ok(!(await all(network, 'view=due')).some((m) => m.id === res.body.id), 'renewed: no longer due');
});

test('counts of members by region and kind, computed from the rows', async () => {
  const year = new Date().getUTCFullYear();
  const res = await admin.call('GET', `/api/v1/memberships/counts?year=${year}`);
  assert.equal(res.status, 200);
  const idfAci = res.body.items.find((c) => c.region === '11' && c.kind === 'aci');
  assert.equal(idfAci.members, 1, 'Les Jardins de Montreuil');
  assert.ok(!res.body.items.some((c) => c.region === '11' && c.kind === 'etti'), 'Intérim Insertion Paris is pending');
  assert.ok(!res.body.items.some((c) => c.region === '93'), 'Marseille Recyclage has lapsed');
});

test('pages: the list by delegation, the form with every error kept, exports, counts', async () => {
  const page = new Client(server.url);
  await page.login(demoEmail('network'));
  const list = await (await page.get('/adhesions')).text();
  assert.match(list, /Rebond 93/);
  assert.match(list, /En attente de paiement/);
  assert.ok(!list.includes('Solipass'));
  const form = await (await page.get('/adhesions/nouvelle')).text();
  const csrf = Client.csrfOf(form);
  const bad = await page.post('/adhesions', { form: { _csrf: csrf, organisation_id: '', year: '2032', fee: 'cent euros', paid_date: '' } });
  assert.equal(bad.status, 422);
  const html = await bad.text();
  assert.match(html, /Choisissez l(&apos;|')organisation adhérente/);
  assert.match(html, /doit être un nombre d(&apos;|')euros/);
  assert.match(html, /value="cent euros"/, 'what was typed is kept');
  const ok = await page.post('/adhesions', { form: { _csrf: csrf, organisation_id: String(ids['Atelier adapté des Hauts-de-Seine']), year: '2033', fee: '450,50', paid_date: '2033-01-10' } });
  assert.equal(ok.status, 303);
  const detail = await (await page.get(ok.headers.get('location'))).text();
  assert.match(detail, /450,50/);
  assert.match(detail, /Adhésion enregistrée/);

  const csv = await page.get('/adhesions/export.csv?annee=' + new Date().getUTCFullYear());
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith('id;organisation;type;delegation;region;departement;annee;'));
  assert.match(text, /Rebond 93 — Association intermédiaire;Association intermédiaire \(AI\);Délégation Île-de-France;Île-de-France;93;/);
  assert.ok(!text.includes('Solipass'));
  const xlsx = await page.get('/adhesions/export.xlsx');
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  const counts = await (await page.get('/adhesions/chiffres')).text();
  assert.match(counts, /data-chart="bar"/);
  assert.match(counts, /Île-de-France/);

  const memberPage = new Client(server.url);
  await memberPage.login(demoEmail('member'));
  const own = await (await memberPage.get('/adhesions')).text();
  assert.match(own, /Solipass/);
  assert.ok(!own.includes('Rebond 93'));
  assert.equal((await memberPage.get('/adhesions/nouvelle')).status, 403);
  assert.equal((await memberPage.get('/adhesions/export.csv')).status, 403);
});

test('the daily pass runs from the command line', async () => {
  const out = await server.cli(['memberships', 'refresh']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /Statuts des adhésions mis à jour : 0 changement/);
});

test('the OpenAPI document describes the memberships', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/memberships', '/api/v1/memberships/{id}', '/api/v1/memberships/{id}/renew',
    '/api/v1/memberships/{id}/payment', '/api/v1/memberships/{id}/override', '/api/v1/membership-statuses', '/api/v1/memberships/counts'])
    assert.ok(doc.paths[p], p);
});
