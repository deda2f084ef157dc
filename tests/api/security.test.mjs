// Security: scopes (404 outside), roles (403), CSRF, injection and escaping, the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { loginAs, tokenClient, organisationIds, validSiret, DEMO, stopServer } from '../support/api.mjs';

const SQL = "' OR 1=1 --";
const XSS = '<script>alert(1)</script>';
const NOWHERE = 987654321;

let server, ids, contactIds;
let admin, network, member, partner;           // page sessions
let adminApi, networkApi, memberApi, partnerApi; // bearer tokens
before(async () => {
  server = await startServer();
  [adminApi, networkApi, memberApi, partnerApi] = await Promise.all(
    ['admin', 'network', 'member', 'partner'].map((r) => tokenClient(server, r)));
  ids = await organisationIds(adminApi);
  contactIds = {};
  for (const c of (await adminApi.call('GET', '/api/v1/contacts?limit=200')).body.items)
    contactIds[`${c.first_name} ${c.last_name}`] = c.id;
  admin = await loginAs(server, 'admin');
  network = await loginAs(server, 'network');
  member = await loginAs(server, 'member');
  partner = await loginAs(server, 'partner');
});
after(() => stopServer(server));

const orgForm = (client, extra = {}) => ({
  _csrf: client.csrfToken, name: 'Formulaire sécurité', kind: 'association', parent_id: String(ids[DEMO.idf]),
  department: '75', postcode: '75011', ...extra,
});

// The page and the API of `path` answer exactly as for an id that does not exist.
async function assertHiddenPage(client, path, nowherePath) {
  const a = await client.get(path);
  const b = await client.get(nowherePath);
  assert.equal(a.status, 404, path);
  assert.equal(b.status, 404, nowherePath);
  const [ta, tb] = [await a.text(), await b.text()];
  assert.match(ta, /Page introuvable/);
  assert.equal(ta, tb, `${path} looks exactly like ${nowherePath}`);
}

async function assertHiddenApi(client, method, path, nowherePath, body) {
  const a = await client.call(method, path, body);
  const b = await client.call(method, nowherePath, body);
  assert.equal(a.status, 404, `${method} ${path}`);
  assert.equal(a.type, 'application/problem+json');
  assert.deepEqual(a.body, b.body, `${method} ${path} looks exactly like ${nowherePath}`);
}

test('an organisation outside the scope answers 404 on pages and API, like a missing one', async () => {
  const paca = ids[DEMO.paca];
  for (const suffix of ['', '/arbre', '/modifier'])
    await assertHiddenPage(network, `/organisations/${paca}${suffix}`, `/organisations/${NOWHERE}${suffix}`);
  const post = await network.post(`/organisations/${paca}`, { form: orgForm(network) });
  assert.equal(post.status, 404);
  await assertHiddenApi(networkApi, 'GET', `/api/v1/organisations/${paca}`, `/api/v1/organisations/${NOWHERE}`);
  await assertHiddenApi(networkApi, 'PATCH', `/api/v1/organisations/${paca}`, `/api/v1/organisations/${NOWHERE}`, { name: 'Piratée' });
  await assertHiddenApi(networkApi, 'PUT', `/api/v1/organisations/${paca}`, `/api/v1/organisations/${NOWHERE}`, { name: 'Piratée', kind: 'ai' });
  assert.equal((await adminApi.call('GET', `/api/v1/organisations/${paca}`)).body.name, DEMO.paca, 'unchanged');
  // The organisation above the user's scope is out of it too.
  await assertHiddenPage(network, `/organisations/${ids[DEMO.federation]}`, `/organisations/${NOWHERE}`);
});

test('a member sees only their own structure: everything else is 404', async () => {
  const own = await member.get(`/organisations/${ids[DEMO.solipass]}`);
  assert.equal(own.status, 200);
  const html = await own.text();
  assert.match(html, /<h1>Solipass<\/h1>/);
  assert.ok(!html.includes(`href="/organisations/${ids[DEMO.pdl]}"`), 'no link to the delegation above');
  for (const name of [DEMO.federation, DEMO.pdl, DEMO.nantesMetropole, DEMO.rebond, DEMO.paca]) {
    await assertHiddenPage(member, `/organisations/${ids[name]}`, `/organisations/${NOWHERE}`);
    await assertHiddenApi(memberApi, 'GET', `/api/v1/organisations/${ids[name]}`, `/api/v1/organisations/${NOWHERE}`);
  }
  const list = await memberApi.call('GET', '/api/v1/organisations?limit=200');
  assert.deepEqual(list.body.items.map((o) => o.name), ['Solipass']);
  const page = await (await member.get('/organisations?q=nantes')).text();
  assert.ok(!page.includes(DEMO.nantesMetropole), 'search does not leak');
});

test('a contact outside the scope answers 404 on page and API', async () => {
  const paca = contactIds['François Blanc'];
  const idf = contactIds['Claire Martin'];
  assert.ok(paca && idf);
  await assertHiddenPage(network, `/contacts/${paca}`, `/contacts/${NOWHERE}`);
  await assertHiddenPage(network, `/contacts/${paca}/modifier`, `/contacts/${NOWHERE}/modifier`);
  await assertHiddenApi(networkApi, 'GET', `/api/v1/contacts/${paca}`, `/api/v1/contacts/${NOWHERE}`);
  await assertHiddenApi(networkApi, 'PATCH', `/api/v1/contacts/${paca}`, `/api/v1/contacts/${NOWHERE}`, { first_name: 'X' });
  await assertHiddenPage(member, `/contacts/${idf}`, `/contacts/${NOWHERE}`);
  await assertHiddenApi(partnerApi, 'GET', `/api/v1/contacts/${idf}`, `/api/v1/contacts/${NOWHERE}`);
  assert.equal((await network.get(`/contacts/${idf}`)).status, 200);
});

test('lists, search and exports never show what is outside the scope', async () => {
  const html = await (await network.get('/organisations?q=marseille')).text();
  assert.ok(!html.includes(DEMO.marseilleRecyclage));
  const csv = await (await network.get('/organisations/export.csv')).text();
  assert.ok(csv.includes(DEMO.rebond));
  assert.ok(!csv.includes(DEMO.marseilleRecyclage) && !csv.includes(DEMO.solipass));
  const contacts = await (await network.get('/contacts?q=blanc')).text();
  assert.ok(!contacts.includes('François'));
  const outside = await (await network.get(`/organisations?parent=${ids[DEMO.paca]}`)).text();
  assert.ok(!outside.includes(DEMO.marseilleRecyclage) && !outside.includes(DEMO.paca));
});

test('users without a writing role get 403 on every write, and nothing is saved', async () => {
  const before = (await adminApi.call('GET', '/api/v1/organisations')).body.total;
  const beforeContacts = (await adminApi.call('GET', '/api/v1/contacts')).body.total;
  const solipass = ids[DEMO.solipass];
  const body = { name: 'Interdite', kind: 'ai', parent_id: solipass };
  const readers = [memberApi, partnerApi, ...(await Promise.all(['supervisor', 'referent', 'facilitator'].map((r) => tokenClient(server, r))))];
  for (const api of readers) {
    for (const [method, path, payload] of [
      ['POST', '/api/v1/organisations', body],
      ['PUT', `/api/v1/organisations/${solipass}`, body],
      ['PATCH', `/api/v1/organisations/${solipass}`, { name: 'Interdite' }],
      ['POST', '/api/v1/contacts', { first_name: 'A', last_name: 'B', organisation_ids: [solipass] }],
      ['PATCH', `/api/v1/contacts/${contactIds['Pierre Morel']}`, { first_name: 'Interdit' }],
    ]) {
      const res = await api.call(method, path, payload);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.type, 'application/problem+json');
      assert.equal(res.body.detail, 'Votre rôle ne permet pas cette action.');
    }
  }
  for (const c of [member, partner]) {
    for (const path of ['/organisations/nouvelle', '/organisations/import', '/organisations/export.csv', '/organisations/export.xlsx',
      `/organisations/${solipass}/modifier`, '/contacts/nouveau']) {
      const res = await c.get(path);
      assert.equal(res.status, 403, path);
      const html = await res.text();
      assert.match(html, /Accès refusé/);
      assert.match(html, /Votre rôle ne permet pas cette action\./);
    }
    const post = await c.post('/organisations', { form: orgForm(c, { name: 'Interdite', parent_id: String(solipass) }) });
    assert.equal(post.status, 403);
    const edit = await c.post(`/organisations/${solipass}`, { form: orgForm(c, { name: 'Interdite' }) });
    assert.equal(edit.status, 403);
    const api = await c.call('POST', '/api/v1/organisations', body);
    assert.equal(api.status, 403);
  }
  assert.equal((await adminApi.call('GET', '/api/v1/organisations')).body.total, before);
  assert.equal((await adminApi.call('GET', '/api/v1/contacts')).body.total, beforeContacts);
  assert.equal((await adminApi.call('GET', `/api/v1/organisations/${solipass}`)).body.name, 'Solipass');
  assert.equal((await adminApi.call('GET', `/api/v1/contacts/${contactIds['Pierre Morel']}`)).body.first_name, 'Pierre');
});

test('a form posted without its CSRF token, or with another session\'s, is refused and nothing is saved', async () => {
  const before = (await adminApi.call('GET', '/api/v1/organisations')).body.total;
  const { _csrf, ...noToken } = orgForm(network, { name: 'Sans jeton', siret: validSiret() });
  for (const form of [noToken, { ...noToken, _csrf: '' }, { ...noToken, _csrf: 'x'.repeat(64) }, { ...noToken, _csrf: admin.csrfToken }]) {
    const res = await network.post('/organisations', { form });
    assert.equal(res.status, 403);
    const html = await res.text();
    assert.match(html, /Formulaire expiré/);
    assert.match(html, /jeton de sécurité du formulaire est absent ou invalide/);
  }
  const edit = await network.post(`/organisations/${ids[DEMO.rebond]}`, { form: { ...noToken, name: 'Renommée sans jeton' } });
  assert.equal(edit.status, 403);
  const contact = await network.post('/contacts', { form: { first_name: 'Sans', last_name: 'Jeton', organisation_ids: String(ids[DEMO.rebond]) } });
  assert.equal(contact.status, 403);
  const token = await network.post('/compte/jetons', { form: { name: 'Sans jeton' } });
  assert.equal(token.status, 403);
  assert.equal((await adminApi.call('GET', '/api/v1/organisations')).body.total, before, 'nothing created');
  assert.equal((await adminApi.call('GET', `/api/v1/organisations/${ids[DEMO.rebond]}`)).body.name, DEMO.rebond, 'nothing changed');
  assert.equal((await adminApi.call('GET', '/api/v1/contacts?q=jeton')).body.total, 0);
  // With the token, the same form goes through.
  const ok = await network.post('/organisations', { form: { ...noToken, _csrf: network.csrfToken } });
  assert.equal(ok.status, 303);
});

test(`"${SQL}" and "${XSS}" in every text field are stored verbatim and shown escaped`, async () => {
  const orgs = {};
  for (const payload of [SQL, XSS, `${SQL} ${XSS}`]) {
    const res = await networkApi.call('POST', '/api/v1/organisations', {
      name: payload, address: payload, commune: payload, kind: 'association', parent_id: ids[DEMO.idf],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    for (const f of ['name', 'address', 'commune']) assert.equal(res.body[f], payload, f);
    orgs[payload] = res.body.id;
    const again = await networkApi.call('GET', `/api/v1/organisations/${res.body.id}`);
    for (const f of ['name', 'address', 'commune']) assert.equal(again.body[f], payload, f);
  }
  const contact = await networkApi.call('POST', '/api/v1/contacts', {
    first_name: SQL, last_name: XSS, function_title: `${SQL} ${XSS}`, organisation_ids: [orgs[XSS]],
  });
  assert.equal(contact.status, 201, JSON.stringify(contact.body));
  assert.equal(contact.body.first_name, SQL);
  assert.equal(contact.body.last_name, XSS);
  assert.equal(contact.body.function_title, `${SQL} ${XSS}`);
  // Through the HTML form too.
  const form = await network.post('/organisations', { form: orgForm(network, { name: XSS, address: SQL, commune: XSS }) });
  assert.equal(form.status, 303);
  const formId = Number(form.headers.get('location').split('/').pop());
  assert.equal((await networkApi.call('GET', `/api/v1/organisations/${formId}`)).body.name, XSS);

  // Search treats the payload as text: exactly the organisations that contain it.
  const search = await networkApi.call('GET', `/api/v1/organisations?q=${encodeURIComponent(SQL)}`);
  assert.deepEqual(search.body.items.map((o) => o.id).sort(), [orgs[SQL], orgs[`${SQL} ${XSS}`]].sort());

  const pages = [
    `/organisations/${orgs[XSS]}`, `/organisations/${orgs[`${SQL} ${XSS}`]}`, `/organisations/${formId}`,
    `/organisations/${orgs[XSS]}/modifier`, `/organisations/${orgs[XSS]}/arbre`,
    `/organisations?q=${encodeURIComponent(XSS)}`, `/organisations?q=${encodeURIComponent('alert')}`,
    `/contacts/${contact.body.id}`, `/contacts/${contact.body.id}/modifier`, `/contacts?q=${encodeURIComponent(SQL)}`,
    `/organisations/nouvelle?parent=${orgs[XSS]}`,
  ];
  for (const path of pages) {
    const res = await network.get(path);
    assert.equal(res.status, 200, path);
    const html = await res.text();
    assert.ok(!html.includes('<script>alert'), `no raw script in ${path}`);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `the text is shown, escaped, in ${path}`);
  }
  const sqlPage = await (await network.get(`/organisations/${orgs[SQL]}`)).text();
  assert.ok(sqlPage.includes('&apos; OR 1=1 --') || sqlPage.includes('&#39; OR 1=1 --'), 'the quote is escaped');
  const journal = await (await admin.get('/admin/journal?action=create')).text();
  assert.ok(!journal.includes('<script>alert'));
  assert.ok(journal.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('the payloads in fields with a format are rejected field by field, never a 500', async () => {
  const res = await networkApi.call('POST', '/api/v1/organisations', {
    name: 'Formats', kind: 'association', parent_id: ids[DEMO.idf],
    siret: SQL, postcode: XSS, commune_insee: SQL, department: XSS, region: SQL, email: XSS, phone: SQL, website: XSS,
  });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.errors.map((e) => e.field).sort(),
    ['commune_insee', 'department', 'email', 'phone', 'postcode', 'region', 'siret', 'website']);
  const kind = await networkApi.call('POST', '/api/v1/organisations', { name: 'Formats', kind: SQL, parent_id: XSS });
  assert.equal(kind.status, 422);
  assert.deepEqual(kind.body.errors.map((e) => e.field).sort(), ['kind', 'parent_id']);
  const page = await network.post('/organisations', { form: orgForm(network, { siret: XSS, email: XSS, kind: XSS, parent_id: SQL }) });
  assert.equal(page.status, 422);
  const html = await page.text();
  assert.ok(!html.includes('<script>alert'));
  assert.ok(html.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'), 'typed value kept, escaped');
  const filters = await network.get(`/organisations?type=${encodeURIComponent(SQL)}&departement=${encodeURIComponent(XSS)}&region=${encodeURIComponent(SQL)}&tri=${encodeURIComponent(XSS)}`);
  assert.equal(filters.status, 200);
  assert.ok(!(await filters.text()).includes('<script>alert'));
});

test('the audit journal is for administrators only and lists logins, creations and exports', async () => {
  await (await network.get('/organisations/export.csv')).arrayBuffer();
  for (const c of [network, member, partner]) {
    const res = await c.get('/admin/journal');
    assert.equal(res.status, 403);
    assert.match(await res.text(), /Accès refusé/);
  }
  const anonymous = await fetch(server.url + '/admin/journal', { redirect: 'manual' });
  assert.equal(anonymous.status, 303);
  const viaToken = await networkApi.call('GET', '/admin/journal');
  assert.equal(viaToken.status, 403);

  const res = await admin.get('/admin/journal');
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /Journal d'audit/);
  const rows = html.split('<tr>').slice(2);
  const has = (action, who) => rows.some((r) => r.includes(`<td>${action}</td>`) && (!who || r.includes(who)));
  assert.ok(has('Connexion', 'network@demo.passerelle.fr'), 'logins');
  assert.ok(has('Création', 'network@demo.passerelle.fr'), 'creations');
  assert.ok(has('Export', 'network@demo.passerelle.fr'), 'exports');

  const exports = await (await admin.get('/admin/journal?action=export')).text();
  const exportRows = exports.split('<tr>').slice(2).filter((r) => r.includes('<td>'));
  assert.ok(exportRows.length >= 1);
  assert.ok(exportRows.every((r) => r.includes('<td>Export</td>')));
  const byUser = await (await admin.get('/admin/journal?action=login&utilisateur=member%40demo.passerelle.fr')).text();
  const loginRows = byUser.split('<tr>').slice(2).filter((r) => r.includes('<td>'));
  assert.ok(loginRows.length >= 1);
  assert.ok(loginRows.every((r) => r.includes('member@demo.passerelle.fr') && r.includes('<td>Connexion</td>')));
  const bad = await admin.get('/admin/journal?avant=abc');
  assert.equal(bad.status, 400);
});

test('security headers and no caching of private pages', async () => {
  const res = await network.get('/organisations');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  const api = await networkApi.call('GET', '/api/v1/organisations?limit=1');
  assert.equal(api.headers.get('cache-control'), 'no-store');
});
