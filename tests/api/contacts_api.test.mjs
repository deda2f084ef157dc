// /api/v1/contacts: list (pagination, filters), get, create, update, scope of organisations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { tokenClient, organisationIds, DEMO, stopServer } from '../support/api.mjs';

let server, admin, network, ids;
before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');
  ids = await organisationIds(admin);
});
after(() => stopServer(server));

async function walk(client, query, limit) {
  const seen = [];
  let after = null;
  let total = null;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 100, 'pagination ends');
    const res = await client.call('GET', `/api/v1/contacts?${query}&limit=${limit}${after ? '&after=' + encodeURIComponent(after) : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    total ??= res.body.total;
    seen.push(...res.body.items);
    after = res.body.next;
    if (!after) break;
  }
  return { seen, total };
}

const fullName = (c) => `${c.first_name} ${c.last_name}`;

const contactBody = (extra = {}) => ({
  first_name: 'Zoé',
  last_name: 'Ngô',
  function_title: 'Chargée de relations entreprises',
  email: 'zoe.ngo@rebond93.fr',
  phone: '06 11 22 33 44',
  mailing_consent: true,
  organisation_ids: [ids[DEMO.rebond]],
  ...extra,
});

test('the list pages with `next` until exhausted: no duplicate, no gap', async () => {
  for (const [query, limit] of [['', 4], ['', 1], ['mailing_consent=true', 3]]) {
    const { seen, total } = await walk(admin, query, limit);
    const idsSeen = seen.map((c) => c.id);
    assert.equal(new Set(idsSeen).size, idsSeen.length, `no duplicates (${query}, ${limit})`);
    assert.equal(seen.length, total, `every contact once (${query}, ${limit})`);
    const single = await admin.call('GET', `/api/v1/contacts?${query}&limit=200`);
    assert.deepEqual(idsSeen, single.body.items.map((c) => c.id));
  }
  const all = await admin.call('GET', '/api/v1/contacts?limit=200');
  assert.ok(all.body.total >= 26, 'the demo contacts are there');
  for (const q of ['limit=x', 'after=abc', 'organisation_id=un']) {
    const res = await admin.call('GET', `/api/v1/contacts?${q}`);
    assert.equal(res.status, 400, q);
    assert.equal(res.type, 'application/problem+json');
  }
});

test('filters: q accent-insensitive, organisation, mailing consent', async () => {
  const helene = await admin.call('GET', '/api/v1/contacts?q=helene');
  assert.deepEqual(helene.body.items.map(fullName), ['Hélène Rousseau']);
  const lefevre = await admin.call('GET', `/api/v1/contacts?q=${encodeURIComponent('LEFEVRE')}`);
  assert.deepEqual(lefevre.body.items.map(fullName), ['Sophie Lefèvre']);
  const byFunction = await admin.call('GET', `/api/v1/contacts?q=${encodeURIComponent('référente parcours')}`);
  assert.deepEqual(byFunction.body.items.map(fullName), ['Fatou Sow']);

  const rebond = await admin.call('GET', `/api/v1/contacts?organisation_id=${ids[DEMO.rebond]}`);
  assert.deepEqual(rebond.body.items.map(fullName).sort(), ['Claire Martin', 'Karim Benali']);
  assert.ok(rebond.body.items.every((c) => c.organisations.some((o) => o.id === ids[DEMO.rebond] && o.name === DEMO.rebond)));

  const all = (await admin.call('GET', '/api/v1/contacts?limit=200')).body;
  const yes = (await admin.call('GET', '/api/v1/contacts?mailing_consent=true&limit=200')).body;
  const no = (await admin.call('GET', '/api/v1/contacts?mailing_consent=false&limit=200')).body;
  assert.ok(yes.total > 0 && no.total > 0);
  assert.equal(yes.total + no.total, all.total);
  assert.ok(yes.items.every((c) => c.mailing_consent === true && c.mailing_consent_at));
  assert.ok(no.items.every((c) => c.mailing_consent === false));
});

test('a user sees only the contacts of organisations in their scope', async () => {
  const mine = await network.call('GET', '/api/v1/contacts?limit=200');
  const names = mine.body.items.map(fullName);
  assert.ok(names.includes('Claire Martin'), 'IDF contact');
  assert.ok(!names.includes('Pierre Morel'), 'Solipass (Pays de la Loire) contact hidden');
  assert.ok(!names.includes('François Blanc'), 'PACA contact hidden');
  const idf = await organisationIds(network);
  assert.ok(mine.body.items.every((c) => c.organisations.length > 0 && c.organisations.every((o) => idf[o.name] === o.id)));
  const member = await tokenClient(server, 'member');
  const solipass = await member.call('GET', '/api/v1/contacts?limit=200');
  assert.deepEqual(solipass.body.items.map(fullName).sort(), ['Aurélie Fournier', 'Pierre Morel']);
  const other = await network.call('GET', `/api/v1/contacts?organisation_id=${ids[DEMO.marseilleRecyclage]}`);
  assert.equal(other.body.total, 0);
});

test('GET one contact returns every field; an unknown id is a 404 problem', async () => {
  const list = await admin.call('GET', '/api/v1/contacts?q=claire');
  const id = list.body.items[0].id;
  const res = await admin.call('GET', `/api/v1/contacts/${id}`);
  assert.equal(res.status, 200);
  const c = res.body;
  assert.equal(c.first_name, 'Claire');
  assert.equal(c.last_name, 'Martin');
  assert.equal(c.function_title, 'Directrice');
  assert.equal(c.mailing_consent, true);
  assert.match(c.mailing_consent_at, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(c.organisations, [{ id: ids[DEMO.rebond], name: DEMO.rebond }]);
  const missing = await admin.call('GET', '/api/v1/contacts/987654321');
  assert.equal(missing.status, 404);
  assert.equal(missing.type, 'application/problem+json');
});

test('POST creates a contact: 201, Location, consent time recorded', async () => {
  const res = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: [ids[DEMO.rebond], ids[DEMO.plie]] }));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.headers.get('location'), `/api/v1/contacts/${res.body.id}`);
  assert.equal(res.body.first_name, 'Zoé');
  assert.equal(res.body.mailing_consent, true);
  assert.match(res.body.mailing_consent_at, /^\d{4}-/);
  assert.deepEqual(res.body.organisations.map((o) => o.id).sort(), [ids[DEMO.rebond], ids[DEMO.plie]].sort());
  const got = await network.call('GET', res.headers.get('location'));
  assert.deepEqual(got.body, res.body);
  const found = await network.call('GET', `/api/v1/contacts?q=${encodeURIComponent('zoe ngo')}`);
  assert.deepEqual(found.body.items.map((c) => c.id), [res.body.id]);
  // Ids may come as numeric strings too.
  const asText = await network.call('POST', '/api/v1/contacts', contactBody({ first_name: 'Texte', organisation_ids: [String(ids[DEMO.rebond])] }));
  assert.equal(asText.status, 201);
});

test('a contact needs at least one organisation, all in the caller\'s write scope', async () => {
  const before = (await admin.call('GET', '/api/v1/contacts')).body.total;
  const none = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: [] }));
  assert.equal(none.status, 422);
  assert.deepEqual(none.body.errors, [{ field: 'organisation_ids', message: 'Rattachez ce contact à au moins une organisation.' }]);
  const absent = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: undefined }));
  assert.equal(absent.status, 422);
  const outside = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: [ids[DEMO.marseilleRecyclage]] }));
  assert.equal(outside.status, 422);
  assert.equal(outside.body.errors[0].field, 'organisation_ids');
  assert.match(outside.body.errors[0].message, /introuvable dans votre périmètre/);
  const mixed = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: [ids[DEMO.rebond], ids[DEMO.solipass]] }));
  assert.equal(mixed.status, 422);
  const unknown = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: [987654321] }));
  assert.equal(unknown.status, 422);
  const junk = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: ['abc', -3] }));
  assert.equal(junk.status, 422);
  assert.deepEqual(junk.body.errors, [{ field: 'organisation_ids', message: 'Choisissez les organisations dans la liste.' }],
    'one message per field');
  const notList = await network.call('POST', '/api/v1/contacts', contactBody({ organisation_ids: 12 }));
  assert.equal(notList.status, 422);
  assert.equal(notList.body.errors[0].field, 'organisation_ids');
  assert.equal((await admin.call('GET', '/api/v1/contacts')).body.total, before, 'nothing was created');
});

test('422 problem+json lists every invalid field of a contact at once', async () => {
  const res = await network.call('POST', '/api/v1/contacts', {
    first_name: '', last_name: '  ', email: 'zoe@', phone: 'abc', mailing_consent: 'oui', organisation_ids: [],
  });
  assert.equal(res.status, 422);
  assert.equal(res.type, 'application/problem+json');
  const byField = Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
  assert.equal(byField.first_name, 'Le prénom est obligatoire.');
  assert.equal(byField.last_name, 'Le nom est obligatoire.');
  assert.match(byField.email, /adresse e-mail n'est pas valide/);
  assert.match(byField.phone, /numéro de téléphone n'est pas valide/);
  assert.equal(byField.mailing_consent, 'Ce champ doit valoir true ou false.');
  assert.equal(byField.organisation_ids, 'Rattachez ce contact à au moins une organisation.');
  const long = await network.call('POST', '/api/v1/contacts', contactBody({ function_title: 'é'.repeat(301) }));
  assert.equal(long.status, 422);
  assert.deepEqual(long.body.errors, [{ field: 'function_title', message: 'Ce champ ne doit pas dépasser 300 caractères.' }]);
});

test('PATCH changes only what is sent; PUT replaces; consent can be withdrawn', async () => {
  const created = (await network.call('POST', '/api/v1/contacts', contactBody({ first_name: 'Modif', email: 'modif@rebond93.fr' }))).body;
  const patched = await network.call('PATCH', `/api/v1/contacts/${created.id}`, { function_title: 'Directrice adjointe' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.function_title, 'Directrice adjointe');
  assert.equal(patched.body.email, 'modif@rebond93.fr');
  assert.equal(patched.body.mailing_consent_at, created.mailing_consent_at, 'consent time kept');
  assert.deepEqual(patched.body.organisations, created.organisations);

  const withdrawn = await network.call('PATCH', `/api/v1/contacts/${created.id}`, { mailing_consent: false });
  assert.equal(withdrawn.body.mailing_consent, false);
  assert.equal(withdrawn.body.mailing_consent_at, '');

  const put = await network.call('PUT', `/api/v1/contacts/${created.id}`, {
    first_name: 'Remplacé', last_name: 'Durand', organisation_ids: [ids[DEMO.plie]],
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.first_name, 'Remplacé');
  assert.equal(put.body.email, '', 'PUT without e-mail clears it');
  assert.deepEqual(put.body.organisations, [{ id: ids[DEMO.plie], name: DEMO.plie }]);

  const partial = await network.call('PUT', `/api/v1/contacts/${created.id}`, { email: 'x@y.fr' });
  assert.equal(partial.status, 422);
  assert.deepEqual(partial.body.errors.map((e) => e.field).sort(), ['first_name', 'last_name', 'organisation_ids']);
  const emptied = await network.call('PATCH', `/api/v1/contacts/${created.id}`, { organisation_ids: [] });
  assert.equal(emptied.status, 422);
  assert.equal((await network.call('GET', `/api/v1/contacts/${created.id}`)).body.first_name, 'Remplacé');
});

test('links to organisations outside the caller\'s scope are kept when they edit a contact', async () => {
  const shared = await admin.call('POST', '/api/v1/contacts', contactBody({
    first_name: 'Partagée', email: 'partagee@exemple.fr', organisation_ids: [ids[DEMO.rebond], ids[DEMO.marseilleRecyclage]],
  }));
  assert.equal(shared.status, 201);
  const seenByNetwork = await network.call('GET', `/api/v1/contacts/${shared.body.id}`);
  assert.equal(seenByNetwork.status, 200);
  assert.deepEqual(seenByNetwork.body.organisations, [{ id: ids[DEMO.rebond], name: DEMO.rebond }], 'only the IDF link shows');
  const moved = await network.call('PATCH', `/api/v1/contacts/${shared.body.id}`, { organisation_ids: [ids[DEMO.plie]] });
  assert.equal(moved.status, 200);
  const seenByAdmin = await admin.call('GET', `/api/v1/contacts/${shared.body.id}`);
  assert.deepEqual(seenByAdmin.body.organisations.map((o) => o.id).sort(), [ids[DEMO.plie], ids[DEMO.marseilleRecyclage]].sort());
});
