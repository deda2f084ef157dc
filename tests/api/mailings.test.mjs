// Mailings (diffusions, issue 6) through the API and a real SMTP server: a
// mailing to the members' contacts with consent of a region is previewed,
// tested, sent and received once; a second send is refused; the unsubscribe
// link works without an account and later mailings skip the address; bad
// input answers problem+json by field; with the relay down the mails wait and
// leave later; another delegation gets 404 and a role without the right 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { tokenClient, loginAs, organisationIds, stopServer, DEMO } from '../support/api.mjs';
import { smtpSink, startSmtpSink, freePort, waitForMessages, messagesFor, uniqueAddress } from '../support/smtp.mjs';
// The SMTP sink of `make test` is shared by every run of the suite (SQLite, PostgreSQL, then under
// ASan): subjects sent to the demo's own addresses carry this run's mark.
const RUN = Date.now().toString(36);

let sink, server, admin, network, supervisor, ids, outsider, outsiderEmail;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PDL = '52';  // INSEE code of Pays de la Loire

async function until(check, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

before(async () => {
  sink = await smtpSink();
  server = await startServer({ env: { PASSERELLE_SMTP_URL: sink.url, PASSERELLE_MAIL_INTERVAL_MS: '200',
    PASSERELLE_PUBLIC_URL: 'https://passerelle.test' } });
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');        // Délégation Île-de-France
  supervisor = await tokenClient(server, 'supervisor');  // PLIE de Paris: no mailing role
  ids = await organisationIds(admin);
  // A chargée de mission of another delegation (Pays de la Loire).
  const email = outsiderEmail = uniqueAddress('paul');
  const out = await server.cli(['user', 'add', email, '--name', 'Paul Loire', '--role', 'network', '--org', String(ids[DEMO.pdl]),
    '--password-stdin'], 'Motdepasse-solide-2026\n');
  assert.equal(out.code, 0, out.stderr);
  const token = await server.cli(['token', 'create', '--user', email]);
  outsider = new (network.constructor)(server.url, { token: token.stdout.trim() });
});
after(async () => { await stopServer(server); await sink.stop(); });

async function solipassContact(address, consent = true) {
  const res = await admin.call('POST', '/api/v1/contacts', {
    first_name: 'Inès', last_name: 'Diffusion', email: address, mailing_consent: consent, organisation_ids: [ids[DEMO.solipass]],
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

async function createPdlMailing(subject, extra = {}) {
  const res = await admin.call('POST', '/api/v1/mailings', {
    organisation_id: ids[DEMO.pdl], subject, body: 'Bonjour à toutes et à tous,\n\nVoici les nouvelles du réseau.',
    audience: 'contacts', region: PDL, organisation_kind: 'aci', ...extra,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

test('demo: the lockdown mailing (sent) and the PLIE weekly mailing (draft) are listed for the delegation', async () => {
  const res = await network.call('GET', '/api/v1/mailings');
  assert.equal(res.status, 200);
  const lockdown = res.body.items.find((m) => /^Confinement/.test(m.subject));
  assert.equal(lockdown.status, 'sent');
  assert.ok(lockdown.recipients_count > 0);
  const weekly = res.body.items.find((m) => /PLIE de Paris/.test(m.subject));
  assert.equal(weekly.status, 'draft');
  assert.equal(weekly.audience, 'participants');
  const drafts = await network.call('GET', '/api/v1/mailings?status=draft');
  assert.ok(drafts.body.items.every((m) => m.status === 'draft'));
  assert.equal((await network.call('GET', '/api/v1/mailings?status=nope')).status, 400);
});

test('a mailing to the members\' contacts: preview, test to the caller, send, received once with the unsubscribe link', async () => {
  const address = uniqueAddress('ines');
  const contact = await solipassContact(address);
  const refused = uniqueAddress('sans-accord');
  await solipassContact(refused, false);
  const bounced = uniqueAddress('refuse');  // the sink answers 550 to it
  await solipassContact(bounced);
  const m = await createPdlMailing(`Reprise d'activité : les informations du réseau ${RUN}`);
  assert.equal(m.status, 'draft');
  const preview = await admin.call('GET', `/api/v1/mailings/${m.id}/preview`);
  assert.equal(preview.status, 200);
  assert.ok(preview.body.recipients_count >= 1);
  assert.match(preview.body.text, /Voici les nouvelles du réseau/);
  assert.match(preview.body.text, /Pour ne plus les recevoir : https:\/\/passerelle\.test\/desabonnement\//);

  const t = await admin.call('POST', `/api/v1/mailings/${m.id}/test`);
  assert.equal(t.status, 202);
  assert.equal(t.body.to, 'admin@demo.passerelle.fr');
  const tests = await waitForMessages(sink, 'admin@demo.passerelle.fr',
    { where: (x) => x.subject === `[Test] Reprise d'activité : les informations du réseau ${RUN}` });
  assert.equal(tests.length, 1);
  assert.equal(messagesFor(sink, address).length, 0, 'the test goes to the caller only');

  const sent = await admin.call('POST', `/api/v1/mailings/${m.id}/send`);
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  assert.equal(sent.body.status, 'sent');
  const [mail] = await waitForMessages(sink, address);
  assert.equal(mail.subject, `Reprise d'activité : les informations du réseau ${RUN}`);
  assert.match(mail.text, /Bonjour Inès Diffusion,/);
  assert.match(mail.text, /https:\/\/passerelle\.test\/desabonnement\/[0-9a-f]{64}/);
  const link = mail.text.match(/https:\/\/passerelle\.test\/desabonnement\/[0-9a-f]{64}/)[0];
  assert.equal(mail.headers['list-unsubscribe'], `<${link}>`, 'RFC 2369 header');
  assert.equal(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click', 'RFC 8058 header');
  assert.equal(messagesFor(sink, refused).length, 0, 'no consent, no mail');

  // Sending again changes nothing.
  const again = await admin.call('POST', `/api/v1/mailings/${m.id}/send`);
  assert.equal(again.status, 409);
  assert.match(again.type, /problem\+json/);
  const rows = await until(async () => {
    const r = await admin.call('GET', `/api/v1/mailings/${m.id}/recipients?status=sent&limit=500`);
    return r.body.items.find((x) => x.email === address) && r.body.items;
  });
  const mine = rows.find((x) => x.email === address);
  const failed = await until(async () =>
    (await admin.call('GET', `/api/v1/mailings/${m.id}/recipients?status=failed&q=${encodeURIComponent(bounced)}`)).body.items[0]);
  assert.match(failed.last_error, /^Adresse refusée par le serveur de messagerie : 550/);
  assert.equal(mine.contact_id, contact);
  assert.equal(mine.status_label, 'Envoyé');
  const all = (await admin.call('GET', `/api/v1/mailings/${m.id}/recipients?limit=500`)).body.items;
  assert.equal(new Set(all.map((x) => x.email)).size, all.length, 'one row per address');
  const q = await admin.call('GET', `/api/v1/mailings/${m.id}/recipients?q=${encodeURIComponent(address)}`);
  assert.deepEqual(q.body.items.map((x) => x.email), [address]);
  await sleep(800);
  assert.equal(messagesFor(sink, address).length, 1, 'received exactly once');
  const got = await admin.call('GET', `/api/v1/mailings/${m.id}`);
  assert.equal(got.body.recipients_count, all.length);
  assert.ok(got.body.delivery.sent >= 1);
});

test('the unsubscribe link works without an account; the next mailing skips the address', async () => {
  const address = uniqueAddress('yann');
  const contact = await solipassContact(address);
  const m = await createPdlMailing('Webinaire paie : inscriptions ouvertes');
  assert.equal((await admin.call('POST', `/api/v1/mailings/${m.id}/send`)).status, 202);
  const [mail] = await waitForMessages(sink, address);
  const link = mail.text.match(/https:\/\/passerelle\.test(\/desabonnement\/[0-9a-f]{64})/)[1];

  const anonymous = new Client(server.url);
  const page = await anonymous.get(link);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Se désabonner des diffusions/);
  assert.match(html, new RegExp(address.replace(/[.]/g, '\\.')));
  const done = await anonymous.post(link, { form: { _csrf: Client.csrfOf(html) } });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /Vous êtes désabonné/);
  assert.equal((await anonymous.get('/desabonnement/' + '0'.repeat(64))).status, 404);

  const c = await admin.call('GET', `/api/v1/contacts/${contact}`);
  assert.equal(c.body.mailing_consent, false);
  const next = await createPdlMailing('Deuxième envoi après désabonnement');
  const preview = await admin.call('GET', `/api/v1/mailings/${next.id}/preview`);
  assert.ok(!preview.body.sample.some((x) => x.email === address));
  await admin.call('POST', `/api/v1/mailings/${next.id}/send`);
  const rows = (await admin.call('GET', `/api/v1/mailings/${next.id}/recipients?limit=500`)).body.items;
  assert.ok(rows.length >= 1);
  assert.ok(!rows.some((x) => x.email === address), 'the unsubscribed address is skipped');
});

test('one-click unsubscribe (RFC 8058): the provider posts "List-Unsubscribe=One-Click" without cookie, the address is out', async () => {
  const address = uniqueAddress('zoe');
  const contact = await solipassContact(address);
  const m = await createPdlMailing(`Lettre d'information ${RUN}`);
  assert.equal((await admin.call('POST', `/api/v1/mailings/${m.id}/send`)).status, 202);
  const [mail] = await waitForMessages(sink, address);
  assert.equal(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  const link = mail.headers['list-unsubscribe'].match(/^<https:\/\/passerelle\.test(\/desabonnement\/[0-9a-f]{64})>$/)[1];

  // A mail provider: a bare POST, no session, no CSRF cookie, a multipart body.
  const form = new FormData();
  form.append('List-Unsubscribe', 'One-Click');
  const res = await fetch(server.url + link, { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Désabonnement enregistré/);
  assert.equal((await admin.call('GET', `/api/v1/contacts/${contact}`)).body.mailing_consent, false);
  const twice = await fetch(server.url + link, { method: 'POST', body: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(twice.status, 200, 'a second click changes nothing and is no error');
  const unknown = await fetch(server.url + '/desabonnement/' + 'f'.repeat(64), { method: 'POST',
    body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(unknown.status, 404);
  // Other unsafe routes still want their CSRF token without a session cookie.
  const login = await fetch(server.url + '/login', { method: 'POST', body: 'email=x&password=y',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  assert.equal(login.status, 403);
});

test('bad input: every error by field in problem+json, in French; no recipient is an error and nothing is created', async () => {
  const before = (await admin.call('GET', '/api/v1/mailings?limit=200')).body.items.length;
  const res = await admin.call('POST', '/api/v1/mailings', { subject: '', audience: 'everyone', resource_ids: 'x' });
  assert.equal(res.status, 422);
  assert.match(res.type, /problem\+json/);
  const fields = res.body.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['audience', 'body', 'resource_ids', 'subject']);
  const none = await admin.call('POST', '/api/v1/mailings', {
    organisation_id: ids[DEMO.pdl], subject: 'Personne', body: 'Texte', audience: 'contacts', region: '94', organisation_kind: 'geiq',
  });
  assert.equal(none.status, 422);
  assert.equal(none.body.errors[0].field, 'audience');
  assert.match(none.body.errors[0].message, /^Aucun destinataire/);
  const participants = await admin.call('POST', '/api/v1/mailings', {
    organisation_id: ids[DEMO.idf], subject: 'Sans programme', body: 'Texte', audience: 'participants',
  });
  assert.equal(participants.status, 422);
  assert.equal(participants.body.errors[0].field, 'programme_id');
  const foreign = await network.call('POST', '/api/v1/mailings', {
    organisation_id: ids[DEMO.pdl], subject: 'Hors périmètre', body: 'Texte', audience: 'contacts',
  });
  assert.equal(foreign.status, 422);
  assert.equal(foreign.body.errors[0].field, 'organisation_id');
  assert.equal((await admin.call('GET', '/api/v1/mailings?limit=200')).body.items.length, before);
  assert.equal((await admin.call('GET', '/api/v1/mailings/999999')).status, 404);
});

test('another delegation gets 404 on every route of a mailing; a role without the right gets 403', async () => {
  const mine = (await network.call('GET', '/api/v1/mailings')).body.items.find((m) => /PLIE de Paris/.test(m.subject));
  const routes = [['GET', ''], ['GET', '/preview'], ['POST', '/test'], ['POST', '/send'], ['GET', '/recipients']];
  for (const [method, suffix] of routes) {
    const res = await outsider.call(method, `/api/v1/mailings/${mine.id}${suffix}`);
    assert.equal(res.status, 404, `${method} ${suffix} for another delegation`);
    const denied = await supervisor.call(method, `/api/v1/mailings/${mine.id}${suffix}`);
    assert.equal(denied.status, 403, `${method} ${suffix} without the role`);
  }
  assert.equal((await supervisor.call('GET', '/api/v1/mailings')).status, 403);
  assert.equal((await supervisor.call('POST', '/api/v1/mailings', { subject: 'x' })).status, 403);
  const list = (await outsider.call('GET', '/api/v1/mailings')).body.items;
  assert.ok(!list.some((m) => m.id === mine.id));
  const still = await network.call('GET', `/api/v1/mailings/${mine.id}`);
  assert.equal(still.body.status, 'draft', 'nothing was sent by the refused calls');
  // Pages too.
  const page = await loginAs(server, 'supervisor');
  assert.equal((await page.get('/diffusions')).status, 403);
  assert.equal((await page.get('/diffusions/nouvelle')).status, 403);
  for (const suffix of ['', '/apercu', '/modifier', '/progression', '/destinataires/export'])
    assert.equal((await page.get(`/diffusions/${mine.id}${suffix}`)).status, 403, `page ${suffix} without the role`);
  for (const suffix of ['/test', '/envoyer', '/modifier', '/reprendre'])
    assert.equal((await page.post(`/diffusions/${mine.id}${suffix}`, { form: { _csrf: page.csrfToken, confirm: '1' } })).status, 403,
      `form ${suffix} without the role`);
  const other = await new (network.constructor)(server.url).signIn(outsiderEmail, 'Motdepasse-solide-2026');
  for (const suffix of ['', '/apercu', '/modifier', '/progression', '/destinataires/export'])
    assert.equal((await other.get(`/diffusions/${mine.id}${suffix}`)).status, 404, `page ${suffix}`);
  for (const suffix of ['/test', '/envoyer', '/modifier', '/reprendre'])
    assert.equal((await other.post(`/diffusions/${mine.id}${suffix}`, { form: { _csrf: other.csrfToken, confirm: '1' } })).status, 404,
      `form ${suffix}`);
  assert.equal((await network.call('GET', `/api/v1/mailings/${mine.id}`)).body.status, 'draft');
});

test('participants of a referent: the mail reaches them and their file lists it under "Envois"', async () => {
  const weekly = (await network.call('GET', '/api/v1/mailings')).body.items.find((m) => /PLIE de Paris/.test(m.subject));
  const full = (await network.call('GET', `/api/v1/mailings/${weekly.id}`)).body;
  const preview = await network.call('GET', `/api/v1/mailings/${weekly.id}/preview`);
  assert.ok(preview.body.recipients_count > 100, 'the PLIE\'s participants with an address');
  assert.ok(preview.body.sample.every((p) => p.participant_id));
  // A smaller audience: Rachida's participants only.
  const res = await network.call('POST', '/api/v1/mailings', {
    organisation_id: full.organisation_id, subject: `Vos ressources de la semaine ${RUN}`, body: 'Formations gratuites en ligne.',
    audience: 'participants', programme_id: full.programme_id,
    referent_id: await rachidaId(),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const p = (await network.call('GET', `/api/v1/mailings/${res.body.id}/preview`)).body;
  assert.ok(p.recipients_count > 0 && p.recipients_count < preview.body.recipients_count);
  assert.equal((await network.call('POST', `/api/v1/mailings/${res.body.id}/send`)).status, 202);
  const first = p.sample[0];
  await waitForMessages(sink, first.email, { where: (x) => x.subject === `Vos ressources de la semaine ${RUN}` });
  const page = await loginAs(server, 'referent');
  const file = await (await page.get(`/participants/${first.participant_id}`)).text();
  assert.match(file, /Envois/);
  assert.ok(file.includes(`Vos ressources de la semaine ${RUN}`), 'the file lists this mailing');
});

// The demo referent (Rachida Référente), as the compose form lists her.
async function rachidaId() {
  const page = await loginAs(server, 'network');
  const html = await (await page.get('/diffusions/nouvelle')).text();
  const m = html.match(/<option value="(\d+)"[^>]*>Rachida Référente<\/option>/);
  assert.ok(m, 'the referent is offered');
  return Number(m[1]);
}

test('relay down: the mails of a mailing wait and are retried, then leave exactly once', async () => {
  const port = await freePort();
  const down = await startServer({ env: { PASSERELLE_SMTP_URL: `smtp://127.0.0.1:${port}`, PASSERELLE_MAIL_INTERVAL_MS: '200',
    PASSERELLE_MAIL_RETRY_DELAYS: Array(40).fill(1).join(',') } });
  let late;
  try {
    const admin2 = await tokenClient(down, 'admin');
    const ids2 = await organisationIds(admin2);
    const address = uniqueAddress('lea');
    await admin2.call('POST', '/api/v1/contacts', {
      first_name: 'Léa', last_name: 'Relais', email: address, mailing_consent: true, organisation_ids: [ids2[DEMO.solipass]],
    });
    const m = (await admin2.call('POST', '/api/v1/mailings', {
      organisation_id: ids2[DEMO.pdl], subject: 'Relais en panne', body: 'Texte', audience: 'contacts', region: PDL,
    })).body;
    assert.equal((await admin2.call('POST', `/api/v1/mailings/${m.id}/send`)).status, 202);
    const waiting = await until(async () => {
      const r = (await admin2.call('GET', `/api/v1/mailings/${m.id}/recipients?q=${encodeURIComponent(address)}`)).body.items[0];
      return r && r.attempts >= 2 && r;
    });
    assert.equal(waiting.status, 'queued');
    assert.match(waiting.last_error, /^Serveur de messagerie injoignable/);
    late = await startSmtpSink({ port });
    await waitForMessages(late, address);
    const sent = await until(async () => {
      const r = (await admin2.call('GET', `/api/v1/mailings/${m.id}/recipients?status=sent&q=${encodeURIComponent(address)}`)).body.items[0];
      return r;
    });
    assert.equal(sent.last_error, '');
    await sleep(1000);
    assert.equal(messagesFor(late, address).length, 1, 'exactly once');
  } finally {
    await stopServer(down);
    await late?.stop();
  }
});

test('pages: the list with its filters, the mailing page with its per-recipient status and its CSV export', async () => {
  const page = await loginAs(server, 'network');
  const list = await (await page.get('/diffusions?statut=sent&q=confinement')).text();
  assert.match(list, /Confinement : mesures sanitaires/);
  assert.doesNotMatch(list, /vos ressources de la semaine/);
  const lockdown = (await network.call('GET', '/api/v1/mailings?status=sent')).body.items.find((m) => /^Confinement/.test(m.subject));
  const html = await (await page.get(`/diffusions/${lockdown.id}`)).text();
  assert.match(html, /Progression de l&#39;envoi|Progression de l'envoi/);
  assert.match(html, /Envoyé/);
  const csv = await page.get(`/diffusions/${lockdown.id}/destinataires/export?format=csv&statut=sent`);
  assert.equal(csv.status, 200);
  const text = await csv.text();
  assert.match(text, /^\uFEFF?Nom;Adresse e-mail;Structure;Statut;Essais;Envoyé le;Erreur\r\n/);
  assert.equal(text.trim().split('\r\n').length, lockdown.recipients_count + 1);
});

test('the OpenAPI document describes the mailings', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/mailings', '/api/v1/mailings/{id}', '/api/v1/mailings/{id}/preview', '/api/v1/mailings/{id}/test',
    '/api/v1/mailings/{id}/send', '/api/v1/mailings/{id}/recipients'])
    assert.ok(doc.paths[p], p);
  assert.deepEqual(doc.components.schemas.Mailing.properties.status.enum, ['draft', 'sending', 'sent']);
});
