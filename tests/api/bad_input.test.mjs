// Bad input: malformed UTF-8, oversized bodies, invalid JSON, odd ids, unknown
// routes and methods. Always a clear French 4xx, never a 500 or a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { loginAs, tokenClient, organisationIds, rawRequest, DEMO, stopServer } from '../support/api.mjs';

let server, network, networkApi, admin, ids;
before(async () => {
  server = await startServer();
  network = await loginAs(server, 'network');
  networkApi = await tokenClient(server, 'network');
  admin = await tokenClient(server, 'admin');
  ids = await organisationIds(admin);
});
// No request of this file may end in a 500 (checked by stopServer).
after(() => stopServer(server));

const countOrgs = async () => (await admin.call('GET', '/api/v1/organisations')).body.total;

// A form body as raw bytes: `parts` are Buffers or strings joined as they are.
const bytes = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8'))));

async function postRaw(client, path, body, type) {
  return client.request('POST', path, { body, headers: { 'content-type': type } });
}

test('malformed UTF-8 in a form body is a 400 in French, and nothing is saved', async () => {
  const n = await countOrgs();
  const base = `_csrf=${network.csrfToken}&kind=association&parent_id=${ids[DEMO.idf]}&name=`;
  for (const bad of [bytes(base, '%FF%FE'), bytes(base, Buffer.from([0xc3, 0x28])), bytes(base, '%C0%AF'), bytes(base, '%ED%A0%80'),
    bytes(`_csrf=${network.csrfToken}&na%FFme=x`)]) {
    const res = await postRaw(network, '/organisations', bad, 'application/x-www-form-urlencoded');
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type'), /text\/html/);
    const html = await res.text();
    assert.match(html, /Requête invalide/);
    assert.match(html, /caractères invalides \(encodage UTF-8 attendu\)/);
  }
  // In a multipart form too, and in the login form.
  const boundary = 'XyZ';
  const multipart = bytes(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${network.csrfToken}\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="parent_id"\r\n\r\n`, Buffer.from([0xff, 0x31]), `\r\n--${boundary}--\r\n`);
  const m = await postRaw(network, '/organisations/import', multipart, `multipart/form-data; boundary=${boundary}`);
  assert.equal(m.status, 400);
  const login = await fetch(server.url + '/login', {
    method: 'POST', body: bytes('email=a%FF%40b.fr&password=x&_csrf=y'), headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(login.status, 400);
  assert.match(await login.text(), /UTF-8/);
  assert.equal(await countOrgs(), n);
});

test('malformed UTF-8 in a JSON body is a 400 problem+json in French', async () => {
  const n = await countOrgs();
  for (const body of [
    bytes('{"name":"', Buffer.from([0xff]), '","kind":"ai"}'),
    bytes('{"name":"', Buffer.from([0xc0, 0xaf]), '"}'),
    bytes('{"name":"', Buffer.from([0xed, 0xa0, 0x80]), '"}'),
    bytes('{"name":"\\ud800","kind":"ai"}'),
  ]) {
    const res = await networkApi.request('POST', '/api/v1/organisations', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, body.toString('latin1'));
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const problem = await res.json();
    assert.equal(problem.status, 400);
    assert.equal(problem.title, 'Requête invalide');
    assert.match(problem.detail, /UTF-8|JSON/);
  }
  assert.equal(await countOrgs(), n);
});

test('malformed UTF-8 in the query string is a 400, not a database error', async () => {
  for (const path of ['/organisations?q=%FF', '/contacts?q=%C3%28', '/admin/journal?utilisateur=%FF']) {
    const c = path.startsWith('/admin') ? await loginAs(server, 'admin') : network;
    const res = await c.get(path);
    assert.equal(res.status, 400, path);
    assert.match(await res.text(), /UTF-8/);
  }
  for (const path of ['/api/v1/organisations?q=%FF', '/api/v1/contacts?q=%ED%A0%80', '/api/v1/organisations?kind=%FF']) {
    const res = await networkApi.call('GET', path);
    assert.equal(res.status, 400, path);
    assert.equal(res.type, 'application/problem+json');
  }
});

test('invalid JSON is a 400 problem+json', async () => {
  for (const body of ['{"name":', '[]', '"texte"', '', 'null', '{"name": "a",}', '{"a":1}{"b":2}', '['.repeat(100000)]) {
    const res = await networkApi.request('POST', '/api/v1/organisations', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, body.slice(0, 20));
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal((await res.json()).detail, 'Le corps de la requête doit être un objet JSON valide.');
  }
  const patch = await networkApi.request('PATCH', `/api/v1/organisations/${ids[DEMO.rebond]}`, { body: 'pas du json', headers: { 'content-type': 'application/json' } });
  assert.equal(patch.status, 400);
  const contact = await networkApi.request('POST', '/api/v1/contacts', { body: '{', headers: { 'content-type': 'application/json' } });
  assert.equal(contact.status, 400);
});

test('a 50 MB body gets 413 on an answered connection, and the server goes on', async () => {
  const size = 50 * 1024 * 1024;
  const mb = Buffer.alloc(1024 * 1024, 'a');
  // The unsubscribe link is the one POST taken without a session nor CSRF token (RFC 8058): limited the same.
  for (const [path, type] of [['/api/v1/organisations', 'application/json'], ['/organisations/import', 'multipart/form-data; boundary=x'],
    ['/desabonnement/' + 'f'.repeat(64), 'application/x-www-form-urlencoded'],
    ['/api/v1/contracts/1/parties', 'application/json'], ['/api/v1/buyers/1/programme', 'application/json']]) {
    const head = `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: ${type}\r\nContent-Length: ${size}\r\n` +
      `Authorization: Bearer ${networkApi.token}\r\n\r\n`;
    const res = await rawRequest(server.port, [head, ...Array(50).fill(mb)], { timeout: 20000 });
    assert.equal(res.status, 413, `${path}: ${res.error}`);
    assert.match(res.head, /content-type: application\/problem\+json/i);
    const problem = JSON.parse(res.body);
    assert.equal(problem.title, 'Requête trop volumineuse');
    assert.match(problem.detail, /10 Mo/);
  }
  // Sent in chunks, without announcing its length.
  const chunk = bytes(`100000\r\n`, mb, '\r\n');
  const chunked = await rawRequest(server.port, [
    `POST /api/v1/organisations HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n`,
    ...Array(50).fill(chunk)], { timeout: 20000 });
  assert.equal(chunked.status, 413);
  // And through fetch, as a program would.
  const viaFetch = await fetch(server.url + '/api/v1/organisations', {
    method: 'POST', body: Buffer.alloc(size, 'a'), headers: { authorization: `Bearer ${networkApi.token}`, 'content-type': 'application/json' },
  });
  assert.equal(viaFetch.status, 413);
  await viaFetch.arrayBuffer();
  assert.equal((await fetch(server.url + '/healthz')).status, 200);
  // A body just under the limit is read and judged on its content.
  const big = await networkApi.call('POST', '/api/v1/organisations', { name: 'n'.repeat(9 * 1024 * 1024), kind: 'ai', parent_id: ids[DEMO.idf] });
  assert.equal(big.status, 422);
  assert.equal(big.body.errors[0].message, 'Ce champ ne doit pas dépasser 300 caractères.');
});

test('non-numeric, negative, huge or unknown ids are 404, like any missing page', async () => {
  for (const id of ['abc', '12abc', '-1', '0', '1.5', '1e3', '0x10', '99999999999999999999', '%20', '%00']) {
    for (const path of [`/organisations/${id}`, `/organisations/${id}/modifier`, `/contacts/${id}`]) {
      const res = await network.get(path);
      assert.equal(res.status, 404, path);
      assert.match(await res.text(), /Page introuvable/);
    }
    for (const path of [`/api/v1/organisations/${id}`, `/api/v1/contacts/${id}`]) {
      const res = await networkApi.call('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.type, 'application/problem+json');
    }
  }
  const patch = await networkApi.call('PATCH', '/api/v1/organisations/abc', { name: 'x' });
  assert.equal(patch.status, 404);
});

test('a token id with trailing junk is a 404 and revokes nothing', async () => {
  const out = await server.cli(['token', 'create', '--user', 'network@demo.passerelle.fr', '--name', 'Intact']);
  const token = out.stdout.trim();
  const html = await (await network.get('/compte')).text();
  const id = html.split('<tr>').find((r) => r.includes('Intact')).match(/\/compte\/jetons\/(\d+)\/revoquer/)[1];
  for (const bad of [`${id}abc`, `${id}.0`, 'abc', '-1']) {
    const res = await network.post(`/compte/jetons/${bad}/revoquer`, { form: { _csrf: network.csrfToken } });
    assert.equal(res.status, 404, bad);
  }
  const still = await fetch(server.url + '/api/v1/organisations?limit=1', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(still.status, 200, 'the token still works');
});

test('an unknown address is a French 404 page (problem+json under /api)', async () => {
  for (const client of [null, network]) {
    const res = client ? await client.get('/nimporte/quoi') : await fetch(server.url + '/nimporte/quoi');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type'), /text\/html/);
    const html = await res.text();
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Page introuvable/);
    assert.match(html, /Cette page n(&apos;|')existe pas ou vous n(&apos;|')y avez pas accès\./);
  }
  const api = await networkApi.call('GET', '/api/v1/inconnu');
  assert.equal(api.status, 404);
  assert.equal(api.type, 'application/problem+json');
  assert.equal(api.body.title, 'Page introuvable');
  for (const path of ['/static/nope.css', '/static/../src/main.cpp', '/static/%2e%2e/%2e%2e/etc/passwd']) {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 404, path);
  }
});

test('a wrong method is a 405 naming the allowed methods', async () => {
  for (const [method, path, allow] of [
    ['DELETE', `/organisations/${ids[DEMO.rebond]}`, /GET/],
    ['PUT', '/login', /GET/],
    ['POST', '/healthz', /GET/],
    ['DELETE', `/api/v1/organisations/${ids[DEMO.rebond]}`, /PATCH/],
  ]) {
    const res = await network.request(method, path, { headers: path.startsWith('/api') ? { accept: 'application/json' } : {} });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.match(res.headers.get('allow') || '', allow, `Allow header of ${method} ${path}`);
    const text = await res.text();
    assert.match(text, /Méthode non autorisée/);
  }
  const api = await networkApi.call('DELETE', `/api/v1/contacts/1`);
  assert.equal(api.status, 405);
  assert.equal(api.type, 'application/problem+json');
  assert.equal((await admin.call('GET', `/api/v1/organisations/${ids[DEMO.rebond]}`)).status, 200, 'nothing deleted');
});

test('bad filters, dates and multipart bodies are clear 4xx or empty results', async () => {
  const kinds = await networkApi.call('GET', '/api/v1/organisations?kind=licorne&department=zz&region=99');
  assert.equal(kinds.status, 200);
  assert.equal(kinds.body.total, 0);
  const page = await network.get('/organisations?apres_id=abc');
  assert.equal(page.status, 400);
  assert.match(await page.text(), /Les paramètres de la liste sont invalides/);
  const adminPage = await loginAs(server, 'admin');
  const dates = await adminPage.get('/admin/journal?du=pas-une-date&au=2026-13-45');
  assert.ok(dates.status === 200 || dates.status === 400, String(dates.status));
  for (const [type, body] of [
    ['multipart/form-data', 'x'],
    ['multipart/form-data; boundary=zz', 'pas de délimiteur'],
    ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ntronqué'],
  ]) {
    const res = await network.request('POST', '/organisations/import', { body, headers: { 'content-type': type, 'x-csrf-token': network.csrfToken } });
    assert.equal(res.status, 400, body);
    assert.match(await res.text(), /formulaire envoyé est mal formé/);
  }
});
