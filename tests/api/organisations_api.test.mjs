// /api/v1/organisations: list (keyset pagination, filters), get, create, update, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { tokenClient, organisationIds, allOrganisations, validSiret, badLuhnSiret, luhnOk, DEMO, stopServer } from '../support/api.mjs';

let server, admin, network, ids;
before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');
  ids = await organisationIds(admin);
});
after(() => stopServer(server));

// Walks the list page by page with `next` until it is null.
async function walk(client, query, limit) {
  const seen = [];
  let after = null;
  let pages = 0;
  let total = null;
  do {
    const q = `${query}${query ? '&' : ''}limit=${limit}${after ? '&after=' + encodeURIComponent(after) : ''}`;
    const res = await client.call('GET', `/api/v1/organisations?${q}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.items.length <= limit);
    if (total === null) total = res.body.total;
    assert.equal(res.body.total, total, 'the total does not depend on the page');
    seen.push(...res.body.items);
    after = res.body.next;
    assert.ok(after === null || typeof after === 'string');
    pages++;
    assert.ok(pages < 100, 'pagination ends');
  } while (after);
  return { seen, total, pages };
}

const orgBody = (extra = {}) => ({
  name: 'Atelier Vélo Solidaire',
  kind: 'aci',
  siret: validSiret(),
  address: '3 rue des Cyclistes',
  postcode: '93100',
  commune: 'Montreuil',
  commune_insee: '93048',
  department: '93',
  email: 'contact@atelier-velo.fr',
  phone: '01 48 00 00 00',
  website: 'https://atelier-velo.fr',
  parent_id: ids[DEMO.idf],
  ...extra,
});

test('the list pages with a `next` cursor until exhausted: no duplicate, no gap', async () => {
  const whole = await allOrganisations(admin);
  assert.ok(whole.length >= 36, 'the demo network is there');
  for (const [query, limit] of [['', 7], ['', 1], ['sort=-name', 5], ['sort=recent', 4], ['kind=siae', 3]]) {
    const { seen, total, pages } = await walk(admin, query, limit);
    const idsSeen = seen.map((o) => o.id);
    assert.equal(new Set(idsSeen).size, idsSeen.length, `no duplicates (${query} limit ${limit})`);
    assert.equal(seen.length, total, `every row once (${query} limit ${limit})`);
    assert.ok(pages >= Math.ceil(total / limit), 'several pages');
    const one = await admin.call('GET', `/api/v1/organisations?${query}${query ? '&' : ''}limit=200`);
    assert.deepEqual(idsSeen, one.body.items.map((o) => o.id), `same order as a single page (${query})`);
  }
  // Default sort: by name, accent-insensitive (É sorts with E).
  const names = whole.map((o) => o.name);
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const folded = names.map(fold);
  assert.deepEqual(folded, [...folded].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
});

test('`limit` is bounded and a malformed cursor or limit is a 400 in French', async () => {
  const big = await admin.call('GET', '/api/v1/organisations?limit=100000');
  assert.equal(big.status, 200);
  assert.ok(big.body.items.length <= 200);
  for (const q of ['limit=abc', 'after=pas-un-curseur', 'after=12.zz', 'within=xyz']) {
    const res = await admin.call('GET', `/api/v1/organisations?${q}`);
    assert.equal(res.status, 400, q);
    assert.equal(res.type, 'application/problem+json');
    assert.match(res.body.detail, /invalides/);
  }
});

test('q is accent- and case-insensitive: "ile" finds Île-de-France', async () => {
  for (const q of ['ile', 'ÎLE', 'ile-de-france', 'ILE de']) {
    const res = await admin.call('GET', `/api/v1/organisations?q=${encodeURIComponent(q)}&limit=200`);
    assert.equal(res.status, 200);
    const names = res.body.items.map((o) => o.name);
    assert.ok(names.includes(DEMO.idf), `${q} → ${names.join(', ')}`);
    assert.ok(!names.includes(DEMO.paca), q);
  }
  const deleg = await admin.call('GET', `/api/v1/organisations?q=${encodeURIComponent('délégation')}`);
  assert.equal(deleg.body.total, 5);
  // All words must match; a SIRET, a commune and a postcode are searchable too.
  const both = await admin.call('GET', `/api/v1/organisations?q=${encodeURIComponent('marseille recyclage')}`);
  assert.deepEqual(both.body.items.map((o) => o.name), [DEMO.marseilleRecyclage]);
  const one = (await admin.call('GET', `/api/v1/organisations/${ids[DEMO.solipass]}`)).body;
  const bySiret = await admin.call('GET', `/api/v1/organisations?q=${one.siret}`);
  assert.deepEqual(bySiret.body.items.map((o) => o.id), [one.id]);
  const byCommune = await admin.call('GET', `/api/v1/organisations?q=saint-nazaire`);
  assert.deepEqual(byCommune.body.items.map((o) => o.id), [one.id]);
  // LIKE wildcards are searched literally.
  for (const q of ['%', '_', '\\']) {
    const res = await admin.call('GET', `/api/v1/organisations?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 0, q);
  }
});

test('filters: kind, department, region, within (a subtree), and they combine', async () => {
  const delegations = await admin.call('GET', '/api/v1/organisations?kind=delegation');
  assert.equal(delegations.body.total, 5);
  assert.ok(delegations.body.items.every((o) => o.kind === 'delegation' && o.kind_label === 'Délégation régionale'));
  const siae = await admin.call('GET', '/api/v1/organisations?kind=siae&limit=200');
  assert.ok(siae.body.total > 5);
  assert.ok(siae.body.items.every((o) => ['ai', 'aci', 'ei', 'etti', 'eiti'].includes(o.kind)));

  const d93 = await admin.call('GET', '/api/v1/organisations?department=93&limit=200');
  assert.ok(d93.body.total >= 4);
  assert.ok(d93.body.items.every((o) => o.department === '93' && o.department_name === 'Seine-Saint-Denis'));
  assert.ok(d93.body.items.some((o) => o.name === DEMO.rebond));

  const region = await admin.call('GET', '/api/v1/organisations?region=52&limit=200');
  assert.ok(region.body.items.length >= 5);
  assert.ok(region.body.items.every((o) => o.region === '52' && o.region_name === 'Pays de la Loire'));

  const idf = await admin.call('GET', `/api/v1/organisations?within=${ids[DEMO.idf]}&limit=200`);
  const idfNames = idf.body.items.map((o) => o.name);
  assert.ok(idfNames.includes(DEMO.idf), 'within includes the organisation itself');
  assert.ok(idfNames.includes(DEMO.rebond));
  assert.ok(!idfNames.includes(DEMO.solipass));
  assert.ok(!idfNames.includes(DEMO.federation));

  const combined = await admin.call('GET', `/api/v1/organisations?within=${ids[DEMO.idf]}&kind=ai&department=93`);
  assert.deepEqual(combined.body.items.map((o) => o.name), [DEMO.rebond]);
  const none = await admin.call('GET', `/api/v1/organisations?within=${ids[DEMO.paca]}&department=93`);
  assert.equal(none.body.total, 0);
  assert.deepEqual(none.body.items, []);
  assert.equal(none.body.next, null);
  // `within` an organisation outside the caller's scope shows nothing of it.
  const outside = await network.call('GET', `/api/v1/organisations?within=${ids[DEMO.paca]}`);
  assert.equal(outside.status, 200);
  assert.equal(outside.body.total, 0);
});

test('GET one organisation returns every field', async () => {
  const res = await admin.call('GET', `/api/v1/organisations/${ids[DEMO.solipass]}`);
  assert.equal(res.status, 200);
  assert.match(res.type, /^application\/json/);
  const o = res.body;
  assert.equal(o.id, ids[DEMO.solipass]);
  assert.equal(o.name, 'Solipass');
  assert.equal(o.kind, 'aci');
  assert.equal(o.kind_label, "Atelier et chantier d'insertion (ACI)");
  assert.match(o.siret, /^\d{14}$/);
  assert.ok(luhnOk(o.siret));
  assert.equal(o.postcode, '44600');
  assert.equal(o.commune, 'Saint-Nazaire');
  assert.equal(o.department, '44');
  assert.equal(o.region, '52');
  assert.equal(o.parent_id, ids[DEMO.pdl]);
  assert.equal(o.parent_name, DEMO.pdl);
  assert.match(o.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const missing = await admin.call('GET', '/api/v1/organisations/987654321');
  assert.equal(missing.status, 404);
  assert.equal(missing.type, 'application/problem+json');
});

test('POST creates: 201, Location, normalized values, region deduced', async () => {
  const body = orgBody({ siret: '', region: '' });
  const spaced = validSiret();
  body.siret = spaced.replace(/(\d{3})(\d{3})(\d{3})(\d{5})/, '$1 $2 $3 $4');
  const res = await network.call('POST', '/api/v1/organisations', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const location = res.headers.get('location');
  assert.equal(location, `/api/v1/organisations/${res.body.id}`);
  assert.equal(res.body.siret, spaced, 'spaces removed from the SIRET');
  assert.equal(res.body.region, '11', 'region deduced from the department');
  assert.equal(res.body.region_name, 'Île-de-France');
  assert.equal(res.body.parent_id, ids[DEMO.idf]);
  const again = await network.call('GET', location);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, res.body);
  // It shows up in the list and in the subtree of its parent.
  const listed = await network.call('GET', `/api/v1/organisations?q=${encodeURIComponent('atelier velo')}&within=${ids[DEMO.idf]}`);
  assert.ok(listed.body.items.some((o) => o.id === res.body.id));
});

test('422 problem+json lists every invalid field at once', async () => {
  const siret = badLuhnSiret();
  assert.ok(!luhnOk(siret));
  const res = await network.call('POST', '/api/v1/organisations', orgBody({
    name: '', siret, postcode: '13001', department: '93', kind: 'licorne', email: 'pas-une-adresse',
    phone: '12', website: 'javascript:alert(1)', commune_insee: '13201',
  }));
  assert.equal(res.status, 422);
  assert.equal(res.type, 'application/problem+json');
  assert.equal(res.body.status, 422);
  assert.equal(res.body.title, 'Données invalides');
  const byField = Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
  assert.equal(byField.name, 'Le nom est obligatoire.');
  assert.equal(byField.siret, "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas.");
  assert.equal(byField.postcode, 'Le code postal 13001 ne correspond pas au département 93 (Seine-Saint-Denis).');
  assert.equal(byField.kind, "Choisissez un type d'organisation dans la liste.");
  assert.match(byField.email, /adresse e-mail n'est pas valide/);
  assert.match(byField.phone, /numéro de téléphone n'est pas valide/);
  assert.match(byField.website, /site web n'est pas valide/);
  assert.match(byField.commune_insee, /n'est pas dans le département 93/);
  assert.equal(res.body.errors.length, 8, JSON.stringify(res.body.errors));

  const short = await network.call('POST', '/api/v1/organisations', orgBody({ siret: '1234', name: 'X'.repeat(201) }));
  assert.equal(short.status, 422);
  const f = Object.fromEntries(short.body.errors.map((e) => [e.field, e.message]));
  assert.equal(f.siret, 'Le SIRET doit compter exactement 14 chiffres.');
  assert.equal(f.name, 'Le nom doit compter entre 2 et 200 caractères.');

  const noParent = await network.call('POST', '/api/v1/organisations', orgBody({ parent_id: null }));
  assert.equal(noParent.status, 422);
  assert.deepEqual(noParent.body.errors.map((e) => e.field), ['parent_id']);

  // Nothing was created by any of these.
  const after = await admin.call('GET', `/api/v1/organisations?q=${encodeURIComponent('Atelier Vélo Solidaire')}`);
  assert.equal(after.body.total, 1, 'only the one created in the previous test');
});

test('wrong JSON types are field errors, not crashes', async () => {
  const res = await network.call('POST', '/api/v1/organisations', orgBody({ name: { a: 1 }, phone: ['01'], parent_id: 1.5, siret: true }));
  assert.equal(res.status, 422);
  const fields = res.body.errors.map((e) => e.field);
  for (const f of ['name', 'phone', 'parent_id', 'siret']) assert.ok(fields.includes(f), `${f} in ${fields}`);
  assert.ok(res.body.errors.every((e) => typeof e.message === 'string' && e.message.length > 0));
});

test('a duplicate SIRET is a 422 on the siret field, on create and on update', async () => {
  const siret = validSiret();
  const first = await network.call('POST', '/api/v1/organisations', orgBody({ name: 'Premier', siret }));
  assert.equal(first.status, 201);
  const dup = await network.call('POST', '/api/v1/organisations', orgBody({ name: 'Doublon', siret }));
  assert.equal(dup.status, 422);
  assert.equal(dup.type, 'application/problem+json');
  assert.deepEqual(dup.body.errors, [{ field: 'siret', message: 'Ce SIRET est déjà enregistré pour une autre organisation.' }]);
  // The same number typed with spaces is the same SIRET.
  const spaced = await network.call('POST', '/api/v1/organisations', orgBody({ name: 'Doublon', siret: siret.replace(/(\d{3})/, '$1 ') }));
  assert.equal(spaced.status, 422);
  const second = await network.call('POST', '/api/v1/organisations', orgBody({ name: 'Second' }));
  const clash = await network.call('PATCH', `/api/v1/organisations/${second.body.id}`, { siret });
  assert.equal(clash.status, 422);
  assert.equal(clash.body.errors[0].field, 'siret');
  assert.equal((await network.call('GET', `/api/v1/organisations?q=doublon`)).body.total, 0);
  // The server is still healthy after the constraint errors (PostgreSQL aborts the transaction).
  assert.equal((await network.call('GET', `/api/v1/organisations/${second.body.id}`)).body.name, 'Second');
});

test('the same SIRET sent by several people at once is created once, the others get 422', async () => {
  const siret = validSiret();
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    (i % 2 ? admin : network).call('POST', '/api/v1/organisations', orgBody({ name: `Simultanée ${i}`, siret }))));
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [201, ...Array(11).fill(422)], statuses.join(','));
  assert.ok(answers.filter((a) => a.status === 422).every((a) => a.body.errors[0].field === 'siret'));
  const other = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    network.call('POST', '/api/v1/organisations', orgBody({ name: `Parallèle ${i}` }))));
  assert.ok(other.every((a) => a.status === 201), 'concurrent creations all succeed');
  assert.equal((await admin.call('GET', `/api/v1/organisations?q=${encodeURIComponent('parallèle')}`)).body.total, 12);
});

test('PATCH changes only the fields sent; PUT replaces the whole organisation', async () => {
  const created = await network.call('POST', '/api/v1/organisations', orgBody({ name: 'À modifier' }));
  const id = created.body.id;
  const patched = await network.call('PATCH', `/api/v1/organisations/${id}`, { phone: '+33 6 12 34 56 78' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.phone, '+33 6 12 34 56 78');
  assert.equal(patched.body.name, 'À modifier');
  assert.equal(patched.body.siret, created.body.siret);
  assert.equal(patched.body.website, created.body.website);

  const put = await network.call('PUT', `/api/v1/organisations/${id}`, {
    name: 'Remplacée', kind: 'ei', parent_id: ids[DEMO.rebond], department: '75',
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.name, 'Remplacée');
  assert.equal(put.body.kind, 'ei');
  assert.equal(put.body.siret, '', 'PUT without siret clears it');
  assert.equal(put.body.phone, '');
  assert.equal(put.body.region, '11');
  assert.equal(put.body.parent_id, ids[DEMO.rebond], 'moved under another parent');
  const within = await network.call('GET', `/api/v1/organisations?within=${ids[DEMO.rebond]}`);
  assert.ok(within.body.items.some((o) => o.id === id));

  // PUT with a partial body: every missing required field is reported.
  const partial = await network.call('PUT', `/api/v1/organisations/${id}`, { name: 'Sans type' });
  assert.equal(partial.status, 422);
  const fields = partial.body.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['kind', 'parent_id']);
  // An invalid PATCH changes nothing.
  const bad = await network.call('PATCH', `/api/v1/organisations/${id}`, { name: '', postcode: '1' });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.errors.length, 2);
  assert.equal((await network.call('GET', `/api/v1/organisations/${id}`)).body.name, 'Remplacée');
});

test('an organisation cannot be moved under itself or outside the caller\'s scope', async () => {
  const top = await network.call('POST', '/api/v1/organisations', orgBody({ name: 'Tête', kind: 'plie' }));
  const child = await network.call('POST', '/api/v1/organisations', orgBody({ name: 'Enfant', parent_id: top.body.id }));
  assert.equal(child.status, 201);
  const loop = await network.call('PATCH', `/api/v1/organisations/${top.body.id}`, { parent_id: child.body.id });
  assert.equal(loop.status, 422);
  assert.match(loop.body.errors[0].message, /ni à l'une de ses structures/);
  const self = await network.call('PATCH', `/api/v1/organisations/${top.body.id}`, { parent_id: top.body.id });
  assert.equal(self.status, 422);
  const away = await network.call('PATCH', `/api/v1/organisations/${top.body.id}`, { parent_id: ids[DEMO.paca] });
  assert.equal(away.status, 422);
  assert.match(away.body.errors[0].message, /introuvable dans votre périmètre/);
  const create = await network.call('POST', '/api/v1/organisations', orgBody({ parent_id: ids[DEMO.paca] }));
  assert.equal(create.status, 422);
  assert.equal(create.body.errors[0].field, 'parent_id');
  // Moving a subtree moves its descendants with it.
  const move = await admin.call('PATCH', `/api/v1/organisations/${top.body.id}`, { parent_id: ids[DEMO.paca] });
  assert.equal(move.status, 200);
  const paca = await admin.call('GET', `/api/v1/organisations?within=${ids[DEMO.paca]}&limit=200`);
  assert.ok(paca.body.items.some((o) => o.id === child.body.id), 'the child moved too');
  assert.equal((await network.call('GET', `/api/v1/organisations/${child.body.id}`)).status, 404, 'now outside IDF');
});

test('the OpenAPI document describes the organisation and contact endpoints', async () => {
  const res = await fetch(server.url + '/api/v1/openapi.json');
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.match(doc.openapi, /^3\./);
  for (const p of ['/api/v1/organisations', '/api/v1/organisations/{id}', '/api/v1/contacts', '/api/v1/contacts/{id}'])
    assert.ok(doc.paths[p], p);
});

test('/metrics counts requests per route pattern and status', async () => {
  await admin.call('GET', `/api/v1/organisations/${ids[DEMO.solipass]}`);
  await admin.call('GET', '/api/v1/organisations/987654321');
  const text = await (await fetch(server.url + '/metrics')).text();
  assert.match(text, /passerelle_http_requests_total\{method="GET",route="\/api\/v1\/organisations\/\{id\}",status="200"\} [1-9]\d*/);
  assert.match(text, /passerelle_http_requests_total\{method="GET",route="\/api\/v1\/organisations\/\{id\}",status="404"\} [1-9]\d*/);
  assert.match(text, /passerelle_http_requests_total\{method="POST",route="\/api\/v1\/organisations",status="201"\} [1-9]\d*/);
  assert.match(text, /passerelle_http_request_duration_seconds_count\{route="\/api\/v1\/organisations"\} [1-9]\d*/);
  assert.doesNotMatch(text, /status="5\d\d"/, 'no 5xx in this file');
});
