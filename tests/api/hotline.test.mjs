// Hotline API and pages (issue 6) against the real binary on the demo of
// spring 2020: a member sees only its organisation's questions (another's:
// 404), staff only their delegation's subtree; internal notes never reach a
// member (API or page); other roles 403; bad input answered in French
// (problem+json for the API, the form sent back with what was typed); the
// report's figures computed again here from the demo rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, DEMO, loginAs, organisationIds, tokenClient, stopServer, demoEmail } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';
import { smtpSink, waitForMessages, messagesFor } from '../support/smtp.mjs';

let sink, server, admin, network, member, partner, referent, memberPage, networkPage;
const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const csrfOf = (html) => html.match(/name="_csrf" value="([^"]+)"/)[1];
const STATES = ['new', 'open', 'waiting', 'answered', 'closed'];
const RUN = Date.now().toString(36);  // marks this run's mails in the shared SMTP sink

before(async () => {
  sink = await smtpSink();
  server = await startServer({ env: { PASSERELLE_SMTP_URL: sink.url, PASSERELLE_MAIL_INTERVAL_MS: '200' } });
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');
  member = await tokenClient(server, 'member');
  partner = await tokenClient(server, 'partner');
  referent = await tokenClient(server, 'referent');
  memberPage = await loginAs(server, 'member');
  networkPage = await loginAs(server, 'network');
});
after(async () => { await stopServer(server); await sink.stop(); });

// Every question the client sees, whatever its state.
async function allQuestions(client) {
  const out = [];
  for (const state of STATES) {
    const res = await client.call('GET', `/api/v1/questions?state=${state}&limit=200`);
    assert.equal(res.status, 200);
    out.push(...res.body.items);
  }
  return out;
}
const bySubject = (items, start) => items.find((q) => q.subject.startsWith(start));
async function categoryId(label) {
  const res = await admin.call('GET', '/api/v1/hotline/categories');
  return res.body.items.find((c) => c.label === label).id;
}

test('each sees its own questions: the member its organisation, staff their subtree, others 403', async () => {
  const mine = await allQuestions(member);
  assert.deepEqual(mine.map((q) => q.organisation_name).filter((n) => n !== 'Solipass'), []);
  assert.equal(mine.length, 3);
  const idf = await allQuestions(network);
  assert.equal(idf.length, 5, 'the Île-de-France delegation handles its 5 members\' questions');
  assert.ok(idf.every((q) => q.region === '11'));
  const all = await allQuestions(admin);
  assert.equal(all.length, 12);
  const rebond = bySubject(all, 'Entrées en parcours');
  const solipass = bySubject(all, 'Prolongation des PASS IAE');
  assert.equal((await member.call('GET', `/api/v1/questions/${rebond.id}`)).status, 404);
  assert.equal((await network.call('GET', `/api/v1/questions/${solipass.id}`)).status, 404);
  assert.equal((await member.call('POST', `/api/v1/questions/${rebond.id}/replies`, { body: 'Bonjour' })).status, 404);
  for (const client of [partner, referent]) {
    assert.equal((await client.call('GET', '/api/v1/questions')).status, 403);
    assert.equal((await client.call('GET', `/api/v1/questions/${solipass.id}`)).status, 403);
    assert.equal((await client.call('GET', '/api/v1/faq')).status, 403);
    assert.equal((await client.call('GET', '/api/v1/hotline/report')).status, 403);
  }
  assert.equal((await member.call('GET', '/api/v1/hotline/report')).status, 403);
  assert.equal((await member.call('POST', `/api/v1/questions/${solipass.id}/notes`, { body: 'x' })).status, 403);
  assert.equal((await (await loginAs(server, 'partner')).get('/questions')).status, 403);
});

test('the staff queue puts what is late first and the demo shows late questions', async () => {
  const res = await admin.call('GET', '/api/v1/questions?limit=200');
  const items = res.body.items;
  assert.ok(items.every((q) => q.state !== 'closed'));
  const dues = items.map((q) => q.next_due ?? '9999');
  assert.deepEqual(dues, [...dues].sort());
  assert.equal(items[0].sla, 'late');
  const late = await admin.call('GET', '/api/v1/questions?late=true&limit=200');
  assert.equal(late.body.items.length, 5, 'new, open and waiting questions of 2020 are late');
  // Keyset pagination: two pages of 3 then the rest, no repeat.
  const p1 = await admin.call('GET', '/api/v1/questions?limit=3');
  const p2 = await admin.call('GET', `/api/v1/questions?limit=3&after=${p1.body.next}`);
  assert.equal(p2.body.items[0].id, items[3].id);
});

test('internal notes never reach a member, in the API or the page', async () => {
  const all = await allQuestions(admin);
  const q = bySubject(all, 'Aide exceptionnelle');
  const note = 'Note interne : relancer la DIRECCTE avant de répondre.';
  let res = await admin.call('POST', `/api/v1/questions/${q.id}/notes`, { body: note });
  assert.equal(res.status, 201);
  assert.ok(res.body.notes.some((n) => n.body === note));
  res = await member.call('GET', `/api/v1/questions/${q.id}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.notes, undefined);
  assert.doesNotMatch(JSON.stringify(res.body), /relancer la DIRECCTE/);
  const page = await (await memberPage.get(`/questions/${q.id}`)).text();
  assert.doesNotMatch(page, /relancer la DIRECCTE|Notes internes/);
  const staffPage = await (await (await loginAs(server, 'admin')).get(`/questions/${q.id}`)).text();
  assert.match(text(staffPage), /relancer la DIRECCTE/);
});

test('a member asks, staff answer and close, the member rates once; each change is a history row', async () => {
  const cat = await categoryId('Règles IAE › PASS IAE');
  let res = await member.call('POST', '/api/v1/questions', {
    category_id: cat, subject: 'Prolongation du PASS IAE d\'un salarié en arrêt', body: 'Le PASS se termine le mois prochain.',
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  assert.equal(res.body.organisation_name, 'Solipass');
  assert.equal(res.body.state, 'new');
  assert.equal(res.body.channel, 'form');
  assert.ok(res.body.first_response_due > res.body.created_at);
  res = await admin.call('POST', `/api/v1/questions/${id}/replies`, { body: 'Il est prolongé.', then: 'answered' });
  assert.equal(res.status, 201);
  assert.equal(res.body.state, 'answered');
  assert.ok(res.body.first_response_at);
  assert.ok(res.body.resolved_at);
  res = await member.call('POST', `/api/v1/questions/${id}/rating`, { score: 5 });
  assert.equal(res.status, 422);
  assert.match(res.body.errors[0].message, /une fois la question clôturée/);
  res = await member.call('POST', `/api/v1/questions/${id}/transitions`, { to: 'closed' });
  assert.equal(res.status, 200);
  assert.equal(res.body.state, 'closed');
  res = await member.call('POST', `/api/v1/questions/${id}/rating`, { score: 7 });
  assert.equal(res.status, 422);
  assert.match(res.type, /problem\+json/);
  assert.equal(res.body.errors[0].message, 'La note va de 1 à 5.');
  res = await member.call('POST', `/api/v1/questions/${id}/rating`, { score: 4, comment: 'Merci' });
  assert.equal(res.status, 201);
  assert.equal(res.body.rating, 4);
  res = await member.call('POST', `/api/v1/questions/${id}/rating`, { score: 5 });
  assert.equal(res.status, 422);
  assert.match(res.body.errors[0].message, /déjà été évaluée/);
  // Reopened by the member, then history: new → answered → closed → open.
  res = await member.call('POST', `/api/v1/questions/${id}/transitions`, { to: 'open' });
  assert.equal(res.body.state, 'open');
  assert.deepEqual(res.body.history.map((h) => h.to), ['new', 'answered', 'closed', 'open']);
  assert.equal(res.body.resolved_at, null);
  // A transition not allowed: a clear French message.
  res = await member.call('POST', `/api/v1/questions/${id}/transitions`, { to: 'answered' });
  assert.equal(res.status, 422);
  assert.equal(res.body.errors[0].message, 'Une question « En cours » ne peut pas passer à « Répondue ».');
  res = await admin.call('POST', `/api/v1/questions/${id}/transitions`, { to: 'nimporte' });
  assert.equal(res.status, 422);
});

test('bad input: empty question, unknown category, attachments too big or of a forbidden type; no 500', async () => {
  let res = await member.call('POST', '/api/v1/questions', { category_id: 99999, subject: ' ', body: '' });
  assert.equal(res.status, 422);
  const fields = Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
  assert.equal(fields.subject, "L'objet de la question est obligatoire.");
  assert.match(fields.body, /vide/);
  res = await member.call('POST', '/api/v1/questions', { category_id: 99999, subject: 'Paie', body: 'Question' });
  assert.equal(res.body.errors[0].message, 'Catégorie inconnue.');
  res = await member.call('POST', '/api/v1/questions', { category_id: 'abc', subject: 'Paie', body: 'Question' });
  assert.equal(res.status, 422);
  res = await member.call('POST', '/api/v1/questions', '{"subject": ');
  assert.equal(res.status, 400);
  const mine = await allQuestions(member);
  const q = bySubject(mine, 'Aide exceptionnelle');
  const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
  big.write('%PDF-1.4');
  res = await member.call('POST', `/api/v1/questions/${q.id}/attachments?filename=gros.pdf`, undefined, {});
  assert.equal(res.status, 422, 'an empty body is refused');
  const raw = async (filename, bytes) => {
    const r = await member.request('POST', `/api/v1/questions/${q.id}/attachments?filename=${encodeURIComponent(filename)}`,
      { body: bytes, headers: { 'content-type': 'application/octet-stream', accept: 'application/json' } });
    return { status: r.status, body: await r.json() };
  };
  res = await raw('gros.pdf', big);
  assert.equal(res.status, 422);
  assert.match(res.body.errors[0].message, /dépasse 5 Mo/);
  res = await raw('outil.exe', Buffer.from('MZ\x90\x00'));
  assert.match(res.body.errors[0].message, /Type de fichier non accepté/);
  res = await raw('faux.pdf', Buffer.from('\x89PNG\r\n'));
  assert.match(res.body.errors[0].message, /ne correspond pas/);
  res = await raw('attestation.pdf', Buffer.from('%PDF-1.4 attestation'));
  assert.equal(res.status, 201);
  const att = res.body.attachments[0];
  assert.equal(att.content_type, 'application/pdf');
  // Downloads checked against the same visibility.
  const dl = await member.request('GET', att.url);
  assert.equal(dl.status, 200);
  assert.equal(await dl.text(), '%PDF-1.4 attestation');
  assert.equal((await network.call('GET', att.url)).status, 404);
  assert.equal((await admin.call('GET', att.url)).status, 200);
});

test('the ask form comes back with every error in French next to its field, what was typed kept, FAQ suggested', async () => {
  const form = await (await memberPage.get('/questions/nouvelle')).text();
  assert.match(form, /hx-get="\/faq\/suggestions"/);
  const csrf = csrfOf(form);
  const fd = new FormData();
  fd.set('_csrf', csrf);
  fd.set('subject', 'Prolongation du PASS IAE pendant le confinement');
  fd.set('body', '');
  fd.set('category_id', '');
  fd.set('file', new Blob([Buffer.from('MZ')]), 'outil.exe');
  const res = await memberPage.post('/questions', { body: fd });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /<p class="error" id="e-category_id">Choisissez une catégorie\.<\/p>/);
  assert.match(html, /<p class="error" id="e-body">Décrivez votre question : le texte est vide\.<\/p>/);
  assert.match(html, /id="e-file">Type de fichier non accepté/);
  assert.match(html, /value="Prolongation du PASS IAE pendant le confinement"/);
  assert.match(unescape(html), /Les PASS IAE arrivant à échéance pendant l'état d'urgence sanitaire sont-ils prolongés \?/,
    'the similar FAQ entry is suggested without JavaScript');
  const fragment = await (await memberPage.get('/faq/suggestions?subject=activite%20partielle%20CDDI')).text();
  assert.match(unescape(fragment), /Les salariés en insertion \(CDDI\) peuvent-ils être placés en activité partielle/);
});

test('the FAQ: searchable without accents, entries anonymised from a question, drafts for staff only', async () => {
  let res = await member.call('GET', '/api/v1/faq?q=prolonges');
  assert.equal(res.body.items.length, 1);
  assert.equal(res.body.items[0].source_question_id, undefined, 'the source question is for staff only');
  res = await member.call('GET', '/api/v1/faq?q=ACTIVITE%20partielle');
  assert.equal(res.body.items.length, 1);
  const all = await allQuestions(admin);
  const q = bySubject(all, 'Prolongation des PASS IAE');
  const adminPage = await loginAs(server, 'admin');
  const draft = unescape(await (await adminPage.get(`/faq/nouvelle?question=${q.id}`)).text());
  assert.doesNotMatch(draft.replace(/<select[\s\S]*?<\/select>/g, '').replace(/<nav[\s\S]*?<\/nav>/, ''), /Solipass|Pierre|Morel/);
  assert.match(draft, /PASS IAE/);
  res = await admin.call('POST', '/api/v1/faq', { title: 'Brouillon : reprise des chantiers', answer: 'À relire.' });
  assert.equal(res.status, 201);
  assert.equal(res.body.status, 'draft');
  const id = res.body.id;
  assert.equal((await member.call('GET', `/api/v1/faq/${id}`)).status, 404);
  res = await admin.call('POST', `/api/v1/faq/${id}/publish`);
  assert.equal(res.body.status, 'published');
  assert.equal((await member.call('GET', `/api/v1/faq/${id}`)).status, 200);
  assert.equal((await member.call('POST', '/api/v1/faq', { title: 'x', answer: 'y' })).status, 403);
  res = await admin.call('POST', '/api/v1/faq', { title: '', answer: '' });
  assert.equal(res.status, 422);
});

test('the report: figures computed again from the demo rows, by category, week and region, exports', async () => {
  const res = await admin.call('GET', '/api/v1/hotline/report?from=2020-03-01&to=2020-05-31');
  assert.equal(res.status, 200);
  const rows = (await allQuestions(admin)).filter((q) => q.created_at < '2020-06-01');
  const r = res.body;
  assert.equal(r.questions, 12);
  assert.equal(r.questions, rows.length);
  const first = rows.map((q) => q.first_response_minutes).filter((m) => m !== null).sort((a, b) => a - b);
  const nearest = (v, p) => v[Math.ceil((p / 100) * v.length) - 1];
  assert.equal(r.first_responses, first.length);
  assert.equal(r.first_responses, 9);
  assert.equal(r.median_first_response_minutes, nearest(first, 50));
  assert.equal(r.p90_first_response_minutes, nearest(first, 90));
  const resolved = rows.map((q) => q.resolution_minutes).filter((m) => m !== null).sort((a, b) => a - b);
  assert.equal(r.median_resolution_minutes, nearest(resolved, 50));
  assert.equal(r.backlog, 5, 'waiting, open and new questions at the end of May');
  assert.equal(r.by_category.reduce((s, c) => s + c.count, 0), 12);
  assert.equal(r.by_category.find((c) => c.label === 'Mesures sanitaires').count, 3);
  assert.equal(r.by_week.reduce((s, w) => s + w.count, 0), 12);
  assert.equal(r.by_week[0].key, '2020-02-24');
  const regions = Object.fromEntries(r.by_region.map((x) => [x.name, x.questions]));
  assert.deepEqual(regions, { 'Centre-Val de Loire': 2, 'Hauts-de-France': 1, 'Île-de-France': 5,
    'Pays de la Loire': 3, "Provence-Alpes-Côte d'Azur": 1 });
  const idf = await network.call('GET', '/api/v1/hotline/report?from=2020-03-01&to=2020-05-31');
  assert.equal(idf.body.questions, 5);
  assert.equal((await admin.call('GET', '/api/v1/hotline/report?from=2020-13-01')).status, 400);
  assert.equal((await admin.call('GET', '/api/v1/hotline/report?from=2020-06-01&to=2020-05-01')).status, 400);
  const long = await admin.call('GET', '/api/v1/hotline/report?from=1900-01-01&to=2020-05-01');
  assert.equal(long.status, 400);
  assert.match(long.body.detail, /5 ans au plus/);
  const adminPage = await loginAs(server, 'admin');
  const page = await (await adminPage.get('/questions/rapport?from=2020-03-01&to=2020-05-31')).text();
  assert.match(page, /data-chart="bar"/);
  assert.match(text(page), /Questions reçues 12/);
  const csv = await adminPage.get('/questions/rapport?from=2020-03-01&to=2020-05-31&format=csv');
  assert.equal(csv.status, 200);
  assert.match(await csv.text(), /Total;Questions reçues;12/);
  const xlsx = await adminPage.get('/questions/export?format=xlsx');
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
});

test('pages: "Mes questions" for the member, the staff queue with its filters, 404 for another delegation', async () => {
  const mine = text(await (await memberPage.get('/questions')).text());
  assert.match(mine, /Mes questions/);
  assert.match(mine, /Reprise des chantiers après le 11 mai/);
  assert.doesNotMatch(mine, /Droit de retrait/);
  const queue = text(await (await networkPage.get('/questions')).text());
  assert.match(queue, /Hotline : questions à traiter/);
  assert.match(queue, /Entrées en parcours pendant la fermeture des agences/);
  assert.match(queue, /En retard/);
  assert.doesNotMatch(queue, /Reprise des chantiers/);
  const all = await allQuestions(admin);
  assert.equal((await networkPage.get(`/questions/${bySubject(all, 'Reprise des chantiers').id}`)).status, 404);
  assert.equal((await memberPage.get(`/questions/${bySubject(all, 'Droit de retrait').id}`)).status, 404);
  const rated = text(await (await memberPage.get(`/questions/${bySubject(all, 'Prolongation des PASS IAE').id}`)).text());
  assert.match(rated, /Satisfaction : 5\/5/);
  const nav = await (await memberPage.get('/')).text();
  assert.match(nav, /href="\/questions"/);
  assert.equal((await memberPage.get('/questions/categories')).status, 403);
});

test('the OpenAPI document describes every hotline route, its references resolved', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const [m, p] of [['get', '/api/v1/questions'], ['post', '/api/v1/questions'], ['get', '/api/v1/questions/{id}'],
    ['post', '/api/v1/questions/{id}/replies'], ['post', '/api/v1/questions/{id}/notes'],
    ['post', '/api/v1/questions/{id}/transitions'], ['put', '/api/v1/questions/{id}/assignee'],
    ['post', '/api/v1/questions/{id}/rating'], ['post', '/api/v1/questions/{id}/attachments'],
    ['get', '/api/v1/questions/{id}/attachments/{attachment_id}'], ['get', '/api/v1/faq'], ['post', '/api/v1/faq'],
    ['get', '/api/v1/faq/suggestions'], ['get', '/api/v1/faq/{id}'], ['post', '/api/v1/faq/{id}/publish'],
    ['get', '/api/v1/hotline/categories'], ['post', '/api/v1/hotline/categories'], ['get', '/api/v1/hotline/report'],
    ['get', '/api/v1/hotline/business-hours'], ['put', '/api/v1/hotline/business-hours']])
    assert.ok(doc.paths[p]?.[m], `${m} ${p}`);
  const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/[^"]+"/g);
  for (const r of new Set(refs)) {
    const [, kind, name] = r.match(/components\/(\w+)\/(\w+)/);
    assert.ok(doc.components[kind][name], r);
  }
});

test('the question page keeps what was typed: an empty reply or a bad file refused next to the field', async () => {
  const all = await allQuestions(admin);
  const q = bySubject(all, 'Reprise des chantiers');
  const html = await (await memberPage.get(`/questions/${q.id}`)).text();
  const csrf = csrfOf(html);
  let res = await memberPage.post(`/questions/${q.id}/reponses`, { form: { _csrf: csrf, body: '   ' } });
  assert.equal(res.status, 422);
  assert.match(await res.text(), /<p class="error" id="e-reply">Le message est vide\.<\/p>/);
  res = await memberPage.post(`/questions/${q.id}/notes`, { form: { _csrf: csrf, note: 'Note' } });
  assert.equal(res.status, 403, 'a member cannot write internal notes');
  const fd = new FormData();
  fd.set('_csrf', csrf);
  fd.set('file', new Blob([Buffer.from('#!/bin/sh')]), 'script.sh');
  res = await memberPage.post(`/questions/${q.id}/pieces-jointes`, { body: fd });
  assert.equal(res.status, 422);
  assert.match(await res.text(), /id="e-file">Type de fichier non accepté/);
  res = await memberPage.post(`/questions/${q.id}/etat`, { form: { _csrf: csrf, state: 'answered' } });
  assert.equal(res.status, 422);
  assert.match(unescape(await res.text()), /Une question « Nouvelle » ne peut pas passer à « Répondue »\./);
  res = await memberPage.post(`/questions/${q.id}/reponses`, { form: { _csrf: csrf, body: 'Nous reprenons lundi.' } });
  assert.equal(res.status, 303);
});

test('assignment: only to the staff of the delegation or the federation above the organisation', async () => {
  const all = await allQuestions(admin);
  const rebond = bySubject(all, 'Entrées en parcours');
  const solipass = bySubject(all, 'Reprise des chantiers');
  const me = (await network.call('GET', `/api/v1/questions/${rebond.id}`)).body;
  let res = await network.call('PUT', `/api/v1/questions/${rebond.id}/assignee`, { assignee_id: null });
  assert.equal(res.status, 200);
  assert.equal(res.body.assignee_id, null);
  res = await admin.call('GET', '/api/v1/questions?limit=200');
  const nadia = rebond.assignee_id ?? me.assignee_id;
  res = await admin.call('PUT', `/api/v1/questions/${solipass.id}/assignee`, { assignee_id: nadia });
  assert.equal(res.status, 422, 'the Île-de-France staff do not handle a Pays de la Loire question');
  assert.match(res.body.errors[0].message, /équipe de la délégation ou de la fédération/);
  res = await network.call('PUT', `/api/v1/questions/${rebond.id}/assignee`, { assignee_id: nadia });
  assert.equal(res.body.assignee_name, 'Nadia Chargée de mission');
  assert.equal((await network.call('PUT', `/api/v1/questions/${solipass.id}/assignee`, { assignee_id: nadia })).status, 404);
});

test('what a member types is shown as text: a script in a subject or a reply is escaped, in the pages and the FAQ suggestions', async () => {
  const XSS = '<script>alert(1)</script>';
  const cat = await categoryId('Paie');
  let res = await member.call('POST', '/api/v1/questions', { category_id: cat, subject: `Paie ${XSS}`, body: `Texte ${XSS}` });
  assert.equal(res.status, 201);
  const id = res.body.id;
  res = await member.call('POST', `/api/v1/questions/${id}/replies`, { body: `Réponse ${XSS}` });
  assert.equal(res.status, 201);
  for (const [client, path] of [[memberPage, `/questions/${id}`], [memberPage, '/questions'], [networkPage, '/questions'],
    [memberPage, `/faq/suggestions?subject=${encodeURIComponent(XSS + ' PASS IAE')}`]]) {
    const html = await (await client.get(path)).text();
    assert.ok(!html.includes('<script>alert'), `no raw script in ${path}`);
  }
  const page = await (await memberPage.get(`/questions/${id}`)).text();
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('e-mails through the SMTP sink: received, assigned, answered, closed with the rating link; a note never leaves', async () => {
  // A colleague of the Pays de la Loire delegation, who handles Solipass' questions.
  const karim = 'karim.hotline@delegation-pdl.fr';
  const ids = await organisationIds(admin);
  let out = await server.cli(['user', 'add', karim, '--name', 'Karim Hotline', '--role', 'network',
    '--org', String(ids[DEMO.pdl]), '--password-stdin'], 'Un-mot-de-passe-solide-2020\n');
  assert.equal(out.code, 0, out.stderr);
  out = await server.cli(['token', 'create', '--user', karim]);
  const colleague = new ApiClient(server.url, { token: out.stdout.trim() });

  const cat = await categoryId('Règles IAE › PASS IAE');
  let res = await member.call('POST', '/api/v1/questions', {
    category_id: cat, subject: `Dérogation PASS IAE pour une salariée en formation ${RUN}`, body: 'Peut-on prolonger au-delà de 24 mois ?',
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  // The sink of `make test` is shared by every run of the suite: this run's mails carry its mark.
  const about = (subject) => (m) => m.subject.includes(`n° ${id}`) && m.subject.includes(subject) && m.text.includes(RUN);
  const memberAddress = demoEmail('member');
  let got = await waitForMessages(sink, memberAddress, { where: about('bien reçue') });
  assert.match(got[0].text, /Une première réponse vous sera apportée au plus tard le \S+ \d+ \S+ 20\d\d à \d+ h \d\d/);
  assert.match(got[0].text, new RegExp(`/questions/${id}`));

  // The admin assigns it to Karim, chosen in the question page's list of the delegation's staff: he is told.
  const adminPage = await loginAs(server, 'admin');
  const html = await (await adminPage.get(`/questions/${id}`)).text();
  const karimId = Number(html.match(/<option value="(\d+)"[^>]*>Karim Hotline<\/option>/)[1]);
  res = await admin.call('PUT', `/api/v1/questions/${id}/assignee`, { assignee_id: karimId });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.assignee_name, 'Karim Hotline');
  got = await waitForMessages(sink, karim, { where: about('attribuée') });
  assert.match(got[0].text, /vous est attribuée/);

  res = await admin.call('POST', `/api/v1/questions/${id}/notes`, { body: 'Voir la note interne DGEFP-7731.' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  res = await colleague.call('POST', `/api/v1/questions/${id}/replies`, { body: 'Oui, jusqu\'à la fin de la formation.', then: 'closed' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  got = await waitForMessages(sink, memberAddress, { where: about('Réponse') });
  assert.match(got[0].text, /Oui, jusqu'à la fin de la formation\./);
  assert.match(got[0].text, /donnez une note de 1 à 5/);
  // Reopened by the member: Karim is told what the member wrote.
  res = await member.call('POST', `/api/v1/questions/${id}/replies`, { body: 'Et si la formation est interrompue ?' });
  assert.equal(res.status, 201);
  assert.equal(res.body.state, 'open');
  got = await waitForMessages(sink, karim, { where: (m) => m.subject.startsWith('Nouveau message') && m.subject.includes(`n° ${id}`) && m.text.includes(RUN) });
  assert.match(got[0].text, /Et si la formation est interrompue \?/);
  res = await colleague.call('POST', `/api/v1/questions/${id}/transitions`, { to: 'closed' });
  assert.equal(res.status, 200);
  got = await waitForMessages(sink, memberAddress, { where: about('clôturée') });
  assert.match(got[0].text, /donnez une note de 1 à 5/);
  for (const m of [...messagesFor(sink, memberAddress), ...messagesFor(sink, karim)])
    assert.doesNotMatch(m.text, /DGEFP-7731/, 'an internal note is never mailed');
});

test('an administrator retires a category: no longer offered for a new question, older questions keep it, its children go with it', async () => {
  const adminPage = await loginAs(server, 'admin');
  // A category and a sub-category of this test, with one question asked before.
  const parent = await admin.call('POST', '/api/v1/hotline/categories', { name: 'Mesures sanitaires 2020', first_response_hours: '4', resolution_hours: '16' });
  assert.equal(parent.status, 201, JSON.stringify(parent.body));
  const child = await admin.call('POST', '/api/v1/hotline/categories', { name: 'Masques et protocoles', parent_id: parent.body.id });
  assert.equal(child.status, 201, JSON.stringify(child.body));
  assert.equal(child.body.offered, true);
  let res = await member.call('POST', '/api/v1/questions', { category_id: child.body.id, subject: 'Protocole de nettoyage des chantiers', body: 'Faut-il des masques FFP2 ?' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const older = res.body.id;

  // Retired from the category form (the box unticked).
  let form = await (await adminPage.get(`/questions/categories/${parent.body.id}`)).text();
  assert.match(form, /name="active" value="1" checked/);
  res = await adminPage.post(`/questions/categories/${parent.body.id}`, { form: {
    _csrf: csrfOf(form), name: 'Mesures sanitaires 2020', parent_id: '', first_response_hours: '4', resolution_hours: '16', position: '0' } });
  assert.equal(res.status, 303);
  const list = await (await adminPage.get('/questions/categories')).text();
  assert.match(text(list), /Mesures sanitaires 2020 Retirée/);
  assert.match(text(list), /Mesures sanitaires 2020 › Masques et protocoles Retirée/);
  const cats = (await admin.call('GET', '/api/v1/hotline/categories')).body.items;
  const p = cats.find((c) => c.id === parent.body.id), c = cats.find((x) => x.id === child.body.id);
  assert.deepEqual([p.active, p.offered, c.active, c.offered], [false, false, true, false]);

  // Not offered to the member any more, and refused with a French message, what was typed kept.
  const ask = await (await memberPage.get('/questions/nouvelle')).text();
  assert.doesNotMatch(ask, /Masques et protocoles/);
  res = await member.call('POST', '/api/v1/questions', { category_id: child.body.id, subject: 'Encore les masques', body: 'Et pour les salariés en insertion ?' });
  assert.equal(res.status, 422);
  assert.equal(res.body.errors[0].message, "Cette catégorie n'est plus proposée : choisissez-en une autre.");
  const page = await memberPage.post('/questions', { form: {
    _csrf: csrfOf(ask), category_id: String(child.body.id), subject: 'Encore les masques', body: 'Et pour les salariés ?', priority: 'normal' } });
  assert.equal(page.status, 422);
  const back = await page.text();
  assert.match(text(back), /Cette catégorie n'est plus proposée : choisissez-en une autre\./);
  assert.match(back, /value="Encore les masques"/);
  // The question asked before keeps its category.
  assert.equal((await member.call('GET', `/api/v1/questions/${older}`)).body.category, 'Mesures sanitaires 2020 › Masques et protocoles');

  // Offered again once ticked.
  form = await (await adminPage.get(`/questions/categories/${parent.body.id}`)).text();
  assert.doesNotMatch(form, /name="active" value="1" checked/);
  res = await adminPage.post(`/questions/categories/${parent.body.id}`, { form: {
    _csrf: csrfOf(form), name: 'Mesures sanitaires 2020', parent_id: '', first_response_hours: '4', resolution_hours: '16', position: '0', active: '1' } });
  assert.equal(res.status, 303);
  res = await member.call('POST', '/api/v1/questions', { category_id: child.body.id, subject: 'Encore les masques', body: 'Et pour les salariés en insertion ?' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
});

test('an administrator sets the business hours: checked field by field, said in French, used for the next questions only', async () => {
  const adminPage = await loginAs(server, 'admin');
  // Only administrators: a member and the network's staff get 403.
  assert.equal((await memberPage.get('/questions/horaires')).status, 403);
  assert.equal((await networkPage.get('/questions/horaires')).status, 403);
  let form = await (await adminPage.get('/questions/horaires')).text();
  assert.match(text(form), /Horaires actuels : du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30\./);
  assert.match(form, /name="d1_1_opens" value="09:00"/);
  assert.match(form, /name="d5_2_closes" value="17:30"/);
  assert.match(form, /name="d6_1_opens" value=""/);
  const cat = await categoryId('Règles IAE › PASS IAE');
  const before = (await member.call('POST', '/api/v1/questions', { category_id: cat, subject: 'Avant le changement d\'horaires', body: 'Question posée avec les horaires de la démo.' })).body;
  assert.ok(before.id, JSON.stringify(before));

  // Every mistake next to its field, what was typed kept, nothing saved.
  const week = (spans) => {
    const f = { _csrf: csrfOf(form) };
    for (let d = 1; d <= 7; d++) for (let k = 1; k <= 2; k++) { f[`d${d}_${k}_opens`] = ''; f[`d${d}_${k}_closes`] = ''; }
    return Object.assign(f, spans);
  };
  let res = await adminPage.post('/questions/horaires', { form: week({
    d1_1_opens: '25:00', d1_1_closes: '12:00', d2_1_opens: '14:00', d2_1_closes: '09:00',
    d3_1_opens: '09:00', d3_1_closes: '12:30', d3_2_opens: '12:00', d3_2_closes: '17:00', d4_1_opens: '09:00' }) });
  assert.equal(res.status, 422);
  let back = await res.text();
  assert.match(text(back), /« 25:00 » n'est pas une heure \(par exemple 09:00\) — lundi, plage 1\./);
  assert.match(text(back), /La fermeture doit suivre l'ouverture \(mardi, plage 1\)\./);
  assert.match(text(back), /Cette plage chevauche la précédente \(mercredi, plage 2\)\./);
  assert.match(text(back), /Indiquez l'heure de fermeture \(jeudi, plage 1\)\./);
  assert.match(back, /name="d1_1_opens" value="25:00" aria-invalid="true"/);
  assert.match(back, /name="d3_2_opens" value="12:00" aria-invalid="true"/);
  assert.match(back, /name="d3_1_closes" value="12:30"/);
  res = await adminPage.post('/questions/horaires', { form: week({}) });
  assert.equal(res.status, 422);
  assert.match(text(await res.text()), /Ouvrez au moins une plage horaire dans la semaine/);
  form = await (await adminPage.get('/questions/horaires')).text();
  assert.match(text(form), /Horaires actuels : du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30\./);

  // An evening hotline every day, 19:00–20:00 (hours no default span has).
  const evenings = {};
  for (let d = 1; d <= 7; d++) Object.assign(evenings, { [`d${d}_1_opens`]: '19:00', [`d${d}_1_closes`]: '20:00' });
  res = await adminPage.post('/questions/horaires', { form: week(evenings) });
  assert.equal(res.status, 303);
  form = await (await adminPage.get('/questions/horaires')).text();
  assert.match(text(form), /Horaires actuels : du lundi au dimanche : 19 h – 20 h\./);
  assert.match(text(form), /Les horaires sont enregistrés/);
  assert.match(text(await (await adminPage.get('/questions/categories')).text()), /du lundi au dimanche : 19 h – 20 h/);
  // A question asked now is due in those hours (Paris time); the one asked before keeps its due instant.
  const after = (await member.call('POST', '/api/v1/questions', { category_id: cat, subject: 'Après le changement d\'horaires', body: 'Question posée avec les horaires du soir.' })).body;
  assert.ok(after.id, JSON.stringify(after));
  const paris = (iso) => new Date(iso).toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
  for (const due of [after.first_response_due, after.resolution_due])
    assert.ok(paris(due) >= '19:00' && paris(due) <= '20:00', `${due} is ${paris(due)} in Paris`);
  assert.equal((await member.call('GET', `/api/v1/questions/${before.id}`)).body.first_response_due, before.first_response_due);

  // Back to the demo's hours for whatever runs next.
  const demo = {};
  for (let d = 1; d <= 5; d++) Object.assign(demo, { [`d${d}_1_opens`]: '09:00', [`d${d}_1_closes`]: '12:30', [`d${d}_2_opens`]: '13:30', [`d${d}_2_closes`]: '17:30' });
  res = await adminPage.post('/questions/horaires', { form: week(demo) });
  assert.equal(res.status, 303);
  assert.match(text(await (await adminPage.get('/questions/horaires')).text()), /Horaires actuels : du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30\./);
});

test('the business hours through the API: read by all, replaced by an administrator, problem+json naming the span', async () => {
  let res = await member.call('GET', '/api/v1/hotline/business-hours');
  assert.equal(res.status, 200);
  assert.equal(res.body.description, 'du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30');
  assert.deepEqual(res.body.spans[0], { weekday: 1, day: 'lundi', opens: '09:00', closes: '12:30' });
  assert.equal(res.body.spans.length, 10);
  const demo = res.body.spans.map(({ weekday, opens, closes }) => ({ weekday, opens, closes }));
  // Only an administrator replaces them.
  res = await member.call('PUT', '/api/v1/hotline/business-hours', { spans: [{ weekday: 6, opens: '09:00', closes: '12:00' }] });
  assert.equal(res.status, 403);
  // Each mistake on its span, nothing saved.
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: [
    { weekday: 1, opens: '09:00', closes: '12:30' }, { weekday: 1, opens: '12:00', closes: '17:00' },
    { weekday: 2, opens: '9h', closes: '8h' }] });
  assert.equal(res.status, 422);
  assert.match(res.headers.get('content-type'), /application\/problem\+json/);
  assert.deepEqual(res.body.errors.map((e) => e.field), ['spans[1].opens', 'spans[2].closes']);
  assert.equal(res.body.errors[0].message, 'Cette plage chevauche la précédente (lundi, plage 2).');
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: [{ weekday: 8, opens: '09:00', closes: '12:00' }] });
  assert.equal(res.status, 422);
  assert.equal(res.body.errors[0].field, 'spans[0].weekday');
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: [{ weekday: 2, opens: '08:00', closes: '10:00' },
    { weekday: 2, opens: '11:00', closes: '12:00' }, { weekday: 2, opens: '14:00', closes: '16:00' }] });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.errors, [{ field: 'spans[2]', message: 'Deux plages au plus par jour (mardi).' }]);
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: [] });
  assert.equal(res.status, 422);
  assert.equal(res.body.errors[0].field, 'spans');
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: 'lundi 9 h' });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.errors, [{ field: 'spans', message: 'Donnez la liste des plages horaires (spans).' }]);
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: [{ weekday: 3, opens: '', closes: '' }, 'mardi'] });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.errors.map((e) => e.field), ['spans[1]']);
  // A broken JSON body and a 50 MB one: problem+json, nothing saved, the server goes on.
  let raw = await admin.request('PUT', '/api/v1/hotline/business-hours', { body: '{"spans": [', headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400);
  assert.equal(raw.headers.get('content-type'), 'application/problem+json');
  assert.equal((await raw.json()).detail, 'Le corps de la requête doit être un objet JSON valide.');
  raw = await fetch(server.url + '/api/v1/hotline/business-hours', { method: 'PUT', body: Buffer.alloc(50 * 1024 * 1024, 'a'),
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' } });
  assert.equal(raw.status, 413);
  assert.equal((await raw.json()).title, 'Requête trop volumineuse');
  assert.equal((await member.call('GET', '/api/v1/hotline/business-hours')).body.spans.length, 10);
  // Saturday mornings added, then the demo's week again.
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: [...demo, { weekday: 6, opens: '09:00', closes: '12:00' }] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.description, 'du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30 ; samedi : 9 h – 12 h');
  res = await admin.call('PUT', '/api/v1/hotline/business-hours', { spans: demo });
  assert.equal(res.status, 200);
  assert.equal(res.body.spans.length, 10);
});
