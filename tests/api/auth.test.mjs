// Accounts: the login page, sessions, logout, throttling and personal API tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, demoEmail } from '../support/server.mjs';
import { ApiClient, loginAs, organisationIds, DEMO, stopServer } from '../support/api.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => stopServer(server));

const sessionCookie = (res) => res.headers.getSetCookie().find((c) => c.startsWith('passerelle_session='));

test('the login page is a French form with a CSRF token matching its cookie', async () => {
  const res = await fetch(server.url + '/login');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  const html = await res.text();
  assert.match(html, /<html lang="fr">/);
  assert.match(html, /Connexion/);
  assert.match(html, /<label for="email">Adresse e-mail<\/label>/);
  assert.match(html, /<label for="password">Mot de passe<\/label>/);
  const token = Client.csrfOf(html);
  assert.match(token, /^[0-9a-f]{64}$/);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('passerelle_csrf='));
  assert.ok(cookie, 'the double-submit cookie is set');
  assert.equal(cookie.split(';')[0], `passerelle_csrf=${token}`);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
});

test('a page that needs a login redirects to the login page, keeping the destination', async () => {
  const res = await fetch(server.url + '/organisations?q=ile', { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login?next=' + encodeURIComponent('/organisations?q=ile'));
});

test('logging in sets an HttpOnly, SameSite=Lax session cookie and redirects to the destination', async () => {
  const c = new Client(server.url);
  const page = await (await c.get('/login?next=/contacts')).text();
  const res = await c.post('/login', {
    form: { _csrf: Client.csrfOf(page), email: demoEmail('network'), password: DEMO_PASSWORD, next: '/contacts' },
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/contacts');
  const cookie = sessionCookie(res);
  assert.ok(cookie, 'a session cookie is set');
  assert.match(cookie, /^passerelle_session=[0-9a-f]{64};/);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Lax/);
  assert.match(cookie, /; Path=\//);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(await home.text(), /Bonjour Nadia Chargée de mission/);
});

test('an external or malformed "next" is not followed after login (no open redirect, no header injection)', async () => {
  const c = new Client(server.url);
  const page = await (await c.get('/login')).text();
  for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '/x\r\nSet-Cookie: evil=1', '/x\nLocation: //evil.example']) {
    const res = await c.post('/login', {
      form: { _csrf: Client.csrfOf(page), email: demoEmail('partner'), password: DEMO_PASSWORD, next },
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/', JSON.stringify(next));
    assert.ok(!res.headers.getSetCookie().some((h) => h.startsWith('evil')), 'no injected header');
    // Log out to get the login form again.
    c.cookies.delete('passerelle_session');
  }
});

test('the login form without its CSRF token, or with a token that does not match the cookie, is refused', async () => {
  const c = new Client(server.url);
  await c.get('/login');
  const missing = await c.post('/login', { form: { email: demoEmail('supervisor'), password: DEMO_PASSWORD } });
  assert.equal(missing.status, 403);
  assert.match(await missing.text(), /jeton de sécurité/);
  const forged = await c.post('/login', {
    form: { _csrf: 'a'.repeat(64), email: demoEmail('supervisor'), password: DEMO_PASSWORD },
  });
  assert.equal(forged.status, 403);
  assert.ok(!sessionCookie(missing) && !sessionCookie(forged), 'no session opened');
});

test('a wrong password answers 401 with a French message and keeps the e-mail typed', async () => {
  const c = new Client(server.url);
  const res = await c.login(demoEmail('referent'), 'pas-le-bon-mot-de-passe');
  assert.equal(res.status, 401);
  const html = await res.text();
  assert.match(html, /Adresse e-mail ou mot de passe incorrect\./);
  assert.match(html, /role="alert"/);
  assert.match(html, new RegExp(`value="${demoEmail('referent')}"`));
  assert.ok(!sessionCookie(res));
  // An unknown account gets the very same answer (nothing tells which e-mails exist).
  const unknown = await c.login('personne@demo.passerelle.fr', 'pas-le-bon-mot-de-passe');
  assert.equal(unknown.status, 401);
  assert.match(await unknown.text(), /Adresse e-mail ou mot de passe incorrect\./);
  // Empty fields: a French message too.
  const empty = await c.login('', '');
  assert.equal(empty.status, 422);
  assert.match(await empty.text(), /Saisissez votre adresse e-mail et votre mot de passe\./);
});

test('ten wrong passwords in a row throttle the account, even with the right password afterwards', async () => {
  const c = new Client(server.url);
  const statuses = [];
  for (let i = 0; i < 10; i++) {
    const res = await c.login(demoEmail('facilitator'), `mauvais-${i}`);
    statuses.push(res.status);
    await res.arrayBuffer();
  }
  assert.equal(statuses[0], 401, 'the first failures are plain wrong passwords');
  assert.equal(statuses[9], 429, 'the tenth attempt is throttled');
  assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join(','));
  const right = await c.login(demoEmail('facilitator'), DEMO_PASSWORD);
  assert.equal(right.status, 429);
  const html = await right.text();
  assert.match(html, /Trop de tentatives/);
  assert.ok(!sessionCookie(right), 'no session is opened while throttled');
  // Another account from the same address is not locked by this one.
  const other = await new Client(server.url).login(demoEmail('supervisor'));
  assert.equal(other.status, 303);
});

test('the session id is new at every login; a planted cookie is never adopted', async () => {
  const planted = 'f'.repeat(64);
  const c = new Client(server.url);
  c.cookies.set('passerelle_session', planted);
  const first = await c.login(demoEmail('member'));
  assert.equal(first.status, 303);
  const a = c.cookies.get('passerelle_session');
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, planted);
  // The planted id is not a session.
  const attacker = new Client(server.url);
  attacker.cookies.set('passerelle_session', planted);
  assert.equal((await attacker.get('/')).status, 303);
  // Logging in again (another browser, same person) gives another id.
  const c2 = new Client(server.url);
  assert.equal((await c2.login(demoEmail('member'))).status, 303);
  const b = c2.cookies.get('passerelle_session');
  assert.notEqual(b, a);
  assert.equal((await c.get('/')).status, 200);
  assert.equal((await c2.get('/')).status, 200);
});

test('logging in again from an open session (login page left in another tab) rotates the id and ends the old session', async () => {
  const c = new Client(server.url);
  const page = await (await c.get('/login')).text();
  const csrf = Client.csrfOf(page);
  assert.equal((await c.post('/login', { form: { _csrf: csrf, email: demoEmail('referent'), password: DEMO_PASSWORD } })).status, 303);
  const first = c.cookies.get('passerelle_session');
  // The same login form, submitted again while the session is open.
  const again = await c.post('/login', { form: { _csrf: csrf, email: demoEmail('supervisor'), password: DEMO_PASSWORD } });
  assert.equal(again.status, 303);
  const second = c.cookies.get('passerelle_session');
  assert.notEqual(second, first);
  assert.match(await (await c.get('/')).text(), /Bonjour Samuel Superviseur/);
  const old = new Client(server.url);
  old.cookies.set('passerelle_session', first);
  assert.equal((await old.get('/')).status, 303, 'the previous session no longer opens anything');
  // Still protected against cross-site submission.
  const forged = await c.post('/login', { form: { _csrf: 'b'.repeat(64), email: demoEmail('referent'), password: DEMO_PASSWORD } });
  assert.equal(forged.status, 403);
  assert.equal(c.cookies.get('passerelle_session'), second);
});

test('logout ends the session on the server, not only in the browser', async () => {
  const c = await loginAs(server, 'partner');
  const cookie = c.cookies.get('passerelle_session');
  const res = await c.post('/logout', { form: { _csrf: c.csrfToken } });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login');
  assert.match(sessionCookie(res), /Max-Age=0/);
  assert.ok(!c.cookies.has('passerelle_session'));
  const login = await c.get('/login');
  assert.match(await login.text(), /Vous êtes déconnecté·e\./, 'a flash message confirms it');
  // The old cookie, replayed, no longer opens anything.
  const replay = new Client(server.url);
  replay.cookies.set('passerelle_session', cookie);
  const page = await replay.get('/organisations');
  assert.equal(page.status, 303);
  assert.match(page.headers.get('location'), /^\/login/);
  const api = await fetch(server.url + '/api/v1/organisations', { headers: { cookie: `passerelle_session=${cookie}` } });
  assert.equal(api.status, 401);
});

test('logout without the CSRF token is refused and the session survives', async () => {
  const c = await loginAs(server, 'referent');
  const res = await c.post('/logout', { form: {} });
  assert.equal(res.status, 403);
  assert.equal((await c.get('/')).status, 200);
});

test('the API without credentials answers 401 problem+json in French', async () => {
  const res = await fetch(server.url + '/api/v1/organisations');
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  const body = await res.json();
  assert.equal(body.status, 401);
  assert.equal(body.title, 'Authentification requise');
  for (const token of ['psl_' + '0'.repeat(64), 'nimporte-quoi', 'x'.repeat(500)]) {
    const bad = await fetch(server.url + '/api/v1/organisations/1', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bad.status, 401, token.slice(0, 20));
    assert.equal(bad.headers.get('content-type'), 'application/problem+json');
    assert.match((await bad.json()).detail, /jeton/);
  }
});

test('a personal token from the command line is printed once and gives its user\'s scope', async () => {
  const out = await server.cli(['token', 'create', '--user', demoEmail('network'), '--name', 'Tableur']);
  assert.equal(out.code, 0, out.stderr);
  const token = out.stdout.trim();
  assert.match(token, /^psl_[0-9a-f]{64}$/);
  assert.equal(out.stdout, token + '\n', 'the token alone is printed');

  const api = new ApiClient(server.url, { token });
  const ids = await organisationIds(api);
  assert.ok(ids[DEMO.idf], 'the network user sees Île-de-France');
  assert.ok(ids[DEMO.rebond], '…and its members');
  assert.equal(ids[DEMO.paca], undefined, 'but not PACA');
  assert.equal(ids[DEMO.federation], undefined, 'nor the federation above');
  // Writes with a token need no CSRF token.
  const created = await api.call('POST', '/api/v1/organisations', {
    name: 'Créée par jeton', kind: 'association', parent_id: ids[DEMO.idf],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  // The account page lists it by name, never shows it again.
  const page = await loginAs(server, 'network');
  const html = await (await page.get('/compte')).text();
  assert.match(html, /Tableur/);
  assert.ok(!html.includes(token), 'the token is not shown again');

  // An unknown user: a French error, no token.
  const unknown = await server.cli(['token', 'create', '--user', 'personne@demo.passerelle.fr']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Aucun compte pour personne@demo\.passerelle\.fr/);
  assert.equal(unknown.stdout, '');
});

test('a revoked token answers 401; revoking needs the CSRF token and the owner', async () => {
  const out = await server.cli(['token', 'create', '--user', demoEmail('admin'), '--name', 'A révoquer']);
  const token = out.stdout.trim();
  const api = new ApiClient(server.url, { token });
  assert.equal((await api.call('GET', '/api/v1/organisations?limit=1')).status, 200);

  const admin = await loginAs(server, 'admin');
  const html = await (await admin.get('/compte')).text();
  const row = html.split('<tr>').find((r) => r.includes('A révoquer'));
  const id = row.match(/\/compte\/jetons\/(\d+)\/revoquer/)[1];

  // Someone else cannot revoke it (404, like a token that does not exist).
  const other = await loginAs(server, 'supervisor');
  const foreign = await other.post(`/compte/jetons/${id}/revoquer`, { form: { _csrf: other.csrfToken } });
  assert.equal(foreign.status, 404);
  // Without the CSRF token: refused.
  const noCsrf = await admin.post(`/compte/jetons/${id}/revoquer`, { form: {} });
  assert.equal(noCsrf.status, 403);
  assert.equal((await api.call('GET', '/api/v1/organisations?limit=1')).status, 200, 'still valid');

  const res = await admin.post(`/compte/jetons/${id}/revoquer`, { form: { _csrf: admin.csrfToken } });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/compte');
  const after = await admin.get('/compte');
  const afterHtml = await after.text();
  assert.match(afterHtml, /Le jeton a été révoqué\./);
  assert.match(afterHtml.split('<tr>').find((r) => r.includes('A révoquer')), /Révoqué/);

  const refused = await api.call('GET', '/api/v1/organisations?limit=1');
  assert.equal(refused.status, 401);
  assert.equal(refused.type, 'application/problem+json');
  // Revoking twice: 404.
  assert.equal((await admin.post(`/compte/jetons/${id}/revoquer`, { form: { _csrf: admin.csrfToken } })).status, 404);
});

test('a token made on the account page works at once and is shown only on that page', async () => {
  const c = await loginAs(server, 'supervisor');
  const res = await c.post('/compte/jetons', { form: { _csrf: c.csrfToken, name: 'Script de suivi' } });
  assert.equal(res.status, 200);
  const token = (await res.text()).match(/id="new-token">(psl_[0-9a-f]{64})</)[1];
  const api = new ApiClient(server.url, { token });
  const list = await api.call('GET', '/api/v1/organisations');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((o) => o.name === DEMO.plie), 'the supervisor sees the PLIE');
  assert.ok(!(await (await c.get('/compte')).text()).includes(token));
  const unnamed = await c.post('/compte/jetons', { form: { _csrf: c.csrfToken, name: '  ' } });
  assert.equal(unnamed.status, 422);
  assert.match(await unnamed.text(), /Donnez un nom au jeton/);
});

test('the API also accepts the browser session, with the CSRF header for writes', async () => {
  const c = await loginAs(server, 'network');
  const ids = await organisationIds(c);
  const body = { name: 'Créée par session', kind: 'association', parent_id: ids[DEMO.idf] };
  const without = await c.call('POST', '/api/v1/organisations', body, { csrf: false });
  assert.equal(without.status, 403);
  assert.equal(without.type, 'application/problem+json');
  const withCsrf = await c.call('POST', '/api/v1/organisations', body);
  assert.equal(withCsrf.status, 201);
});
