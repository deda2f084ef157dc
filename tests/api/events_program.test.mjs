// The programme of an event (issue 5): sessions edited (a capacity never below
// the seats taken) or deleted (never one somebody chose), speakers found in the
// directory, added once, shown to everyone who sees the event — through the API
// and the pages. Another delegation's staff 404, members and partners 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { tokenClient, loginAs, organisationIds, stopServer, DEMO } from '../support/api.mjs';

let server, admin, network, member, partner, adminPage, ids;
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const csrfOf = (html) => html.match(/name="_csrf" value="([^"]+)"/)[1];
const local = (days, hour = '10:00') => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10) + 'T' + hour;

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');   // Délégation Île-de-France
  member = await tokenClient(server, 'member');     // Solipass (Pays de la Loire)
  partner = await tokenClient(server, 'partner');
  adminPage = await loginAs(server, 'admin');
  ids = await organisationIds(admin);
});
after(() => stopServer(server));

async function worldCafe() {
  const res = await admin.call('POST', '/api/v1/events', {
    kind: 'world_cafe', title: 'World café des adhérents', starts_at: local(40), ends_at: local(40, '17:00'),
    venue: 'Nantes', organiser_id: ids[DEMO.pdl], regions: ['52'], status: 'published', capacity: 30,
    sessions: [{ title: 'Table ronde 1 : le PASS IAE', capacity: 10 }, { title: 'Table ronde 2 : la formation', capacity: 10 }],
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function solipassContact(name) {
  const res = await admin.call('GET', `/api/v1/contacts?organisation_id=${ids[DEMO.solipass]}`);
  return res.body.items.find((c) => `${c.first_name} ${c.last_name}` === name).id;
}

test('a session keeps a capacity above the seats taken, and is deleted only when nobody chose it', async () => {
  const ev = await worldCafe();
  const [first, second] = ev.sessions;
  const pierre = await solipassContact('Pierre Morel'), aurelie = await solipassContact('Aurélie Fournier');
  for (const c of [pierre, aurelie]) {
    const r = await admin.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: c, organisation_id: ids[DEMO.solipass], session_ids: [first.id] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  let res = await admin.call('PATCH', `/api/v1/events/${ev.id}/sessions/${first.id}`, { capacity: 1 });
  assert.equal(res.status, 422);
  assert.equal(byField(res).session_capacity, '2 personne(s) ont déjà choisi cette session : la capacité ne peut pas descendre en dessous.');
  res = await admin.call('PATCH', `/api/v1/events/${ev.id}/sessions/${first.id}`, { title: 'Table ronde 1 : anticiper la fin du PASS IAE', capacity: 2 });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.title, res.body.capacity, res.body.used], ['Table ronde 1 : anticiper la fin du PASS IAE', 2, 2]);
  res = await admin.call('PATCH', `/api/v1/events/${ev.id}/sessions/${first.id}`, { title: ' ', capacity: 'dix' });
  assert.deepEqual(Object.keys(byField(res)).sort(), ['session_capacity', 'session_title']);

  res = await admin.call('DELETE', `/api/v1/events/${ev.id}/sessions/${first.id}`);
  assert.equal(res.status, 422);
  assert.match(byField(res).session, /^2 personne\(s\) ont choisi cette session/);
  assert.equal((await admin.call('DELETE', `/api/v1/events/${ev.id}/sessions/${second.id}`)).status, 204);
  const after = await admin.call('GET', `/api/v1/events/${ev.id}/sessions`);
  assert.deepEqual(after.body.items.map((s) => s.id), [first.id]);

  // Another delegation's staff: 404; a member, a partner: 403.
  assert.equal((await network.call('PATCH', `/api/v1/events/${ev.id}/sessions/${first.id}`, { capacity: 5 })).status, 404);
  assert.equal((await network.call('DELETE', `/api/v1/events/${ev.id}/sessions/${first.id}`)).status, 404);
  assert.equal((await member.call('PATCH', `/api/v1/events/${ev.id}/sessions/${first.id}`, { capacity: 5 })).status, 403);
  assert.equal((await partner.call('DELETE', `/api/v1/events/${ev.id}/sessions/${first.id}`)).status, 403);
});

test('the session form comes back with the error and what was typed', async () => {
  const ev = await worldCafe();
  const s = ev.sessions[0];
  let html = await (await adminPage.get(`/evenements/${ev.id}`)).text();
  assert.match(html, new RegExp(`href="/evenements/${ev.id}/sessions/${s.id}/modifier"`));
  html = await (await adminPage.get(`/evenements/${ev.id}/sessions/${s.id}/modifier`)).text();
  const res = await adminPage.post(`/evenements/${ev.id}/sessions/${s.id}`, { form: { _csrf: csrfOf(html), session_title: 'Table ronde revue', session_theme: 'PASS IAE', session_capacity: '0' } });
  assert.equal(res.status, 422);
  const back = await res.text();
  assert.match(text(back), /La capacité doit être un nombre entier positif\./);
  assert.match(back, /value="Table ronde revue"/);
  const ok = await adminPage.post(`/evenements/${ev.id}/sessions/${s.id}`, { form: { _csrf: csrfOf(html), session_title: 'Table ronde revue', session_theme: 'PASS IAE', session_capacity: '12' } });
  assert.equal(ok.status, 303);
  assert.match(text(await (await adminPage.get(`/evenements/${ev.id}`)).text()), /Table ronde revue PASS IAE 0 12/);
});

test('speakers: found in the directory, added once, read by members, managed by the event\'s staff only', async () => {
  const ev = await worldCafe();
  // The page's search, accent-insensitive.
  let html = await (await adminPage.get(`/evenements/${ev.id}/intervenants?q=aurelie`)).text();
  assert.match(text(html), /Aurélie Fournier \(Solipass/);
  const value = html.match(/name="contact" value="(\d+:\d+)"/)[1];
  let res = await adminPage.post(`/evenements/${ev.id}/intervenants`, { form: { _csrf: csrfOf(html), contact: value, topic: 'Recruter avec les prescripteurs' } });
  assert.equal(res.status, 303);
  res = await adminPage.post(`/evenements/${ev.id}/intervenants`, { form: { _csrf: csrfOf(html), contact: value, topic: 'Encore', q: 'aurelie' } });
  assert.equal(res.status, 422);
  assert.match(text(await res.text()), /Cette personne intervient déjà à cet événement\./);
  res = await adminPage.post(`/evenements/${ev.id}/intervenants`, { form: { _csrf: csrfOf(html), contact: '999999:1' } });
  assert.equal(res.status, 422);

  // Through the API: Julie Mercier of the accounting firm.
  const firm = ids['Cabinet Nord Expertise comptable'];
  const julie = (await admin.call('GET', `/api/v1/contacts?organisation_id=${firm}`)).body.items[0].id;
  res = await admin.call('POST', `/api/v1/events/${ev.id}/speakers`, { contact_id: julie, organisation_id: firm, topic: 'La paie des salariés en insertion' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const speakers = (await member.call('GET', `/api/v1/events/${ev.id}/speakers`)).body.items;
  assert.deepEqual(speakers.map((s) => `${s.name} (${s.organisation_name}) — ${s.topic}`), [
    'Aurélie Fournier (Solipass) — Recruter avec les prescripteurs',
    'Julie Mercier (Cabinet Nord Expertise comptable) — La paie des salariés en insertion']);
  const page = text(await (await (await loginAs(server, 'member')).get(`/evenements/${ev.id}`)).text());
  assert.match(page, /Intervenants Aurélie Fournier \(Solipass\) — Recruter avec les prescripteurs/);

  assert.equal((await member.call('POST', `/api/v1/events/${ev.id}/speakers`, { contact_id: julie, organisation_id: firm })).status, 403);
  assert.equal((await network.call('POST', `/api/v1/events/${ev.id}/speakers`, { contact_id: julie, organisation_id: firm })).status, 404);
  assert.equal((await network.call('GET', `/api/v1/events/${ev.id}/speakers`)).status, 404, 'not open to Île-de-France');
  res = await admin.call('POST', `/api/v1/events/${ev.id}/speakers`, { contact_id: julie, organisation_id: ids[DEMO.solipass] });
  assert.equal(res.status, 422, 'Julie is not a contact of Solipass');
  assert.equal((await admin.call('DELETE', `/api/v1/events/${ev.id}/speakers/${speakers[1].id}`)).status, 204);
  assert.equal((await admin.call('DELETE', `/api/v1/events/${ev.id}/speakers/${speakers[1].id}`)).status, 404);
  assert.equal((await member.call('GET', `/api/v1/events/${ev.id}/speakers`)).body.items.length, 1);
});

test('the OpenAPI document describes sessions and speakers', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const [m, p] of [['patch', '/api/v1/events/{id}/sessions/{sid}'], ['delete', '/api/v1/events/{id}/sessions/{sid}'],
    ['get', '/api/v1/events/{id}/speakers'], ['post', '/api/v1/events/{id}/speakers'], ['delete', '/api/v1/events/{id}/speakers/{sid}']])
    assert.ok(doc.paths[p]?.[m], `${m} ${p}`);
});

test('members only unless open to all: a contact of an organisation without a current membership is refused', async () => {
  const ev = await worldCafe();
  const calanques = ids['Calanques Nature Insertion'];  // membership pending: not a member
  const lea = (await admin.call('GET', `/api/v1/contacts?organisation_id=${calanques}`)).body.items[0].id;
  let res = await admin.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: lea, organisation_id: calanques });
  assert.equal(res.status, 422);
  assert.equal(byField(res).contact_id, "Cet événement est réservé aux adhérents : « Calanques Nature Insertion » n'a pas d'adhésion en cours.");
  res = await admin.call('PATCH', `/api/v1/events/${ev.id}`, { open_to_all: true });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.open_to_all, true);
  res = await admin.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: lea, organisation_id: calanques });
  assert.equal(res.status, 201, JSON.stringify(res.body));
});

test('approval: a member\'s registration waits without a seat; the event\'s staff approve or refuse it', async () => {
  const ev = await worldCafe();
  let res = await admin.call('PATCH', `/api/v1/events/${ev.id}`, { requires_approval: true, capacity: 1 });
  assert.equal(res.body.requires_approval, true);
  const pierre = await solipassContact('Pierre Morel'), aurelie = await solipassContact('Aurélie Fournier');
  const a = await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: pierre });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  assert.equal(a.body.status, 'awaiting_approval');
  const b = await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: aurelie });
  assert.equal(b.body.status, 'awaiting_approval');
  assert.equal((await admin.call('GET', `/api/v1/events/${ev.id}`)).body.seats_used, 0, 'no seat while waiting');

  assert.equal((await member.call('POST', `/api/v1/registrations/${a.body.id}/approve`)).status, 403);
  assert.equal((await network.call('POST', `/api/v1/registrations/${a.body.id}/approve`)).status, 404);
  res = await admin.call('POST', `/api/v1/registrations/${a.body.id}/approve`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'registered');
  res = await admin.call('POST', `/api/v1/registrations/${a.body.id}/approve`);
  assert.equal(res.status, 422);
  assert.equal(byField(res).status, "Cette inscription n'attend pas de validation (statut : Inscrit).");
  res = await admin.call('POST', `/api/v1/registrations/${b.body.id}/refuse`, { reason: 'Une seule place par structure' });
  assert.equal(res.body.status, 'cancelled');
  // The member sees the outcome of their own registrations.
  assert.equal((await member.call('GET', `/api/v1/registrations/${b.body.id}`)).body.status, 'cancelled');
  // A registration made by the event's staff needs no approval (and goes to the waiting list: one seat).
  res = await admin.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: aurelie, organisation_id: ids[DEMO.solipass] });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.status, 'waitlisted');
});

test('the event page shows the staff the registrations to approve, with a reason to refuse', async () => {
  const ev = await worldCafe();
  await admin.call('PATCH', `/api/v1/events/${ev.id}`, { requires_approval: true });
  const pierre = await solipassContact('Pierre Morel');
  const reg = (await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: pierre })).body;
  let html = await (await adminPage.get(`/evenements/${ev.id}`)).text();
  assert.match(html, new RegExp(`action="/inscriptions/${reg.id}/valider"`));
  assert.match(text(html), /En attente de validation/);
  const res = await adminPage.post(`/inscriptions/${reg.id}/refuser`, { form: { _csrf: csrfOf(html), reason: 'Complet pour les structures' } });
  assert.equal(res.status, 303);
  html = await (await adminPage.get(`/evenements/${ev.id}`)).text();
  assert.match(text(html), /L'inscription de Pierre Morel est refusée\./);
  const form = await (await adminPage.get(`/evenements/${ev.id}/modifier`)).text();
  assert.match(form, /name="requires_approval" value="1" checked/);
  assert.match(form, /name="open_to_all" value="1">/);
});

test('the OpenAPI document describes approval and who may register', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  assert.ok(doc.paths['/api/v1/registrations/{id}/approve']?.post);
  assert.ok(doc.paths['/api/v1/registrations/{id}/refuse']?.post);
  for (const s of ['Event', 'EventInput'])
    for (const f of ['open_to_all', 'requires_approval']) assert.ok(doc.components.schemas[s].properties[f], `${s}.${f}`);
});

test('the staff\'s registrations list: filtered by status, searched, paged, exported', async () => {
  const ev = await worldCafe();
  await admin.call('PATCH', `/api/v1/events/${ev.id}`, { capacity: 1 });
  const pierre = await solipassContact('Pierre Morel'), aurelie = await solipassContact('Aurélie Fournier');
  for (const c of [pierre, aurelie])
    await admin.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: c, organisation_id: ids[DEMO.solipass], dietary: 'végétarien' });
  let res = await admin.call('GET', `/api/v1/registrations?event_id=${ev.id}&status=waitlisted`);
  assert.deepEqual(res.body.items.map((r) => r.contact_name), ['Aurélie Fournier']);
  res = await admin.call('GET', `/api/v1/registrations?event_id=${ev.id}&limit=1`);
  assert.equal(res.body.items[0].contact_name, 'Pierre Morel');
  res = await admin.call('GET', `/api/v1/registrations?event_id=${ev.id}&limit=1&after=${res.body.next}`);
  assert.equal(res.body.items[0].contact_name, 'Aurélie Fournier');
  assert.equal((await admin.call('GET', `/api/v1/registrations?event_id=${ev.id}&status=partout`)).status, 422);

  const html = text(await (await adminPage.get(`/evenements/${ev.id}?inscrits_q=aurelie&inscrits_statut=waitlisted`)).text());
  assert.match(html, /Aurélie Fournier Solipass En liste d'attente/);
  assert.doesNotMatch(html, /Pierre Morel Solipass/);
  const csv = await adminPage.get(`/evenements/${ev.id}/inscriptions.csv`);
  assert.equal(csv.status, 200);
  const lines = (await csv.text()).replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  assert.match(lines[0], /^id;personne;structure;statut;sessions;régime alimentaire;accessibilité;inscrit le$/);
  assert.equal(lines.length, 3);
  assert.ok(lines.some((l) => l.includes('Aurélie Fournier;Solipass;En liste d\'attente;;végétarien')));
  assert.equal((await (await loginAs(server, 'network')).get(`/evenements/${ev.id}/inscriptions.csv`)).status, 404);
  assert.equal((await (await loginAs(server, 'member')).get(`/evenements/${ev.id}/inscriptions.xlsx`)).status, 403);
});
