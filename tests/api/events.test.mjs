// Events (issue 5): the seeds' events in the demo, filters and pagination;
// delegation staff manage their subtree's events, members see the events open
// to their region and only their own registrations (404 otherwise), other roles
// 403; the seat rule through the API (full → waitlisted, a freed seat offered
// to the first waiting, accepted), and bad input as French problem+json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { tokenClient, organisationIds, stopServer, DEMO } from '../support/api.mjs';

let server, admin, network, member, partner, ids;
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
// A local Paris date-time `days` from now, as a form sends it.
const local = (days, hour = '10:00') => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10) + 'T' + hour;

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');       // Fédération: the whole network
  network = await tokenClient(server, 'network');   // Délégation Île-de-France
  member = await tokenClient(server, 'member');     // Solipass (Pays de la Loire)
  partner = await tokenClient(server, 'partner');   // no events role
  ids = await organisationIds(admin);
});
after(() => stopServer(server));

async function titles(client, query = '') {
  const res = await client.call('GET', `/api/v1/events?limit=200&${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items.map((e) => e.title);
}

async function contactId(name, organisation) {
  const res = await admin.call('GET', `/api/v1/contacts?organisation_id=${ids[organisation]}`);
  const c = res.body.items.find((x) => `${x.first_name} ${x.last_name}` === name);
  assert.ok(c, name);
  return c.id;
}

async function createEvent(client, fields) {
  const res = await client.call('POST', '/api/v1/events', {
    kind: 'webinar', title: 'Webinaire de test', starts_at: local(30), ends_at: local(30, '11:30'),
    visio_url: 'https://visio.example.fr/test', organiser_id: ids[DEMO.pdl], regions: ['52'],
    status: 'published', ...fields,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

test('the seeds\' events are in the demo, with the PACA day\'s three world-café round tables', async () => {
  const all = await titles(admin);
  for (const t of ['Réunion des adhérents Île-de-France et Centre-Val de Loire', 'Journée des adhérents PACA',
    'Journée Pays de la Loire : la relation avec les prescripteurs', 'Congrès national'])
    assert.ok(all.includes(t), t);
  const list = await admin.call('GET', '/api/v1/events?q=journee%20paca&limit=200');
  const paca = list.body.items.find((e) => e.title === 'Journée des adhérents PACA');
  assert.equal(paca.starts_at, '2023-01-31T08:00:00Z', '09:00 in Paris, winter time');
  const full = await admin.call('GET', `/api/v1/events/${paca.id}`);
  assert.equal(full.body.sessions.length, 3);
  assert.match(full.body.sessions[0].title, /PASS IAE/);
  assert.ok(full.body.seats_used >= 2);
  const regs = await admin.call('GET', `/api/v1/registrations?event_id=${paca.id}`);
  assert.ok(regs.body.items.some((r) => r.dietary === 'végétarien'));
  const covid = (await admin.call('GET', '/api/v1/events?q=centre-val&limit=200')).body.items
    .find((e) => e.starts_at.startsWith('2020-04-20'));
  assert.deepEqual(covid.regions.sort(), ['11', '24']);
  assert.deepEqual(covid.region_names.sort(), ['Centre-Val de Loire', 'Île-de-France']);
});

test('members see the events open to their region, staff their subtree\'s; other roles 403', async () => {
  const mine = await titles(member);
  assert.ok(mine.includes('Journée Pays de la Loire : la relation avec les prescripteurs'));
  assert.ok(mine.includes('Congrès national'), 'the congress is open to every region');
  assert.ok(!mine.includes('Journée des adhérents PACA'));
  const idf = await titles(network);
  assert.ok(idf.includes('Réunion des adhérents Île-de-France et Centre-Val de Loire'));
  assert.ok(!idf.includes('Journée des adhérents PACA'));
  assert.ok(idf.includes('Congrès national'), 'open to Île-de-France: read, not managed');
  const congress = (await network.call('GET', '/api/v1/events?kind=congress')).body.items[0];
  assert.equal(congress.managed, false);
  assert.equal((await network.call('PATCH', `/api/v1/events/${congress.id}`, { status: 'cancelled' })).status, 404);
  assert.equal((await partner.call('GET', '/api/v1/events')).status, 403);
  assert.equal((await partner.call('GET', '/api/v1/registrations')).status, 403);
  assert.equal((await partner.call('POST', '/api/v1/registrations', {})).status, 403);
  assert.equal((await member.call('POST', '/api/v1/events', {})).status, 403);
  const pdl = (await admin.call('GET', '/api/v1/events?q=prescripteurs&region=52&status=done')).body.items[0];
  assert.equal((await member.call('PATCH', `/api/v1/events/${pdl.id}`, { status: 'cancelled' })).status, 403);
  assert.equal((await partner.call('GET', `/api/v1/events/${pdl.id}/sessions`)).status, 403);
  // Staff of another delegation: 404, as for an id that does not exist.
  assert.equal((await network.call('GET', `/api/v1/events/${pdl.id}`)).status, 404);
  assert.equal((await network.call('GET', `/api/v1/events/${pdl.id}/sessions`)).status, 404);
  assert.equal((await network.call('PATCH', `/api/v1/events/${pdl.id}`, { status: 'cancelled' })).status, 404);
  assert.equal((await network.call('POST', `/api/v1/events/${pdl.id}/sessions`, { title: 'x' })).status, 404);
  assert.equal((await member.call('GET', '/api/v1/events/999999')).status, 404);
});

test('list filters and keyset pagination', async () => {
  const first = await admin.call('GET', '/api/v1/events?limit=2');
  assert.equal(first.body.items.length, 2);
  assert.ok(first.body.next);
  const second = await admin.call('GET', `/api/v1/events?limit=2&after=${first.body.next}`);
  assert.equal(second.body.items.length, 2);
  assert.ok(second.body.items[0].starts_at >= first.body.items[1].starts_at);
  assert.ok(!second.body.items.some((e) => first.body.items.some((f) => f.id === e.id)));
  const congress = await admin.call('GET', '/api/v1/events?kind=congress');
  assert.deepEqual(congress.body.items.map((e) => e.title), ['Congrès national']);
  assert.equal((await admin.call('GET', '/api/v1/events?kind=party')).status, 400);
});

test('a bad event is refused with every error in French; the organiser must be in the caller\'s subtree', async () => {
  const res = await network.call('POST', '/api/v1/events', {
    kind: 'webinar', title: '', starts_at: local(10, '14:00'), ends_at: local(10, '12:00'),
    organiser_id: ids[DEMO.idf], regions: [],
  });
  assert.equal(res.status, 422);
  assert.equal(res.type, 'application/problem+json');
  const f = byField(res);
  assert.equal(f.ends_at, 'La fin doit être après le début.');
  assert.ok(f.title && f.regions && f.venue);
  const outside = await network.call('POST', '/api/v1/events', {
    kind: 'webinar', title: 'Hors périmètre', starts_at: local(10), ends_at: local(10, '12:00'), venue: 'Nantes',
    organiser_id: ids[DEMO.pdl], regions: ['52'],
  });
  assert.equal(outside.status, 422, JSON.stringify(outside.body));
  assert.match(byField(outside).organiser_id, /introuvable dans votre périmètre/);
});

test('staff create an event with sessions; a member registers, full → waitlisted, a freed seat is offered', async () => {
  const ev = await createEvent(admin, { capacity: 1, sessions: [{ title: 'Table ronde A', theme: 'recrutement', capacity: 5 }] });
  assert.equal(ev.seats_left, 1);
  const sessions = await member.call('GET', `/api/v1/events/${ev.id}/sessions`);
  assert.equal(sessions.status, 200);
  const session = sessions.body.items[0].id;
  const pierre = await contactId('Pierre Morel', DEMO.solipass);
  const aurelie = await contactId('Aurélie Fournier', DEMO.solipass);
  const first = await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: pierre, session_ids: [session], dietary: 'végétarien' });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.status, 'registered');
  assert.deepEqual(first.body.session_ids, [session]);
  const second = await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: aurelie });
  assert.equal(second.status, 201, 'a full event is not an error');
  assert.equal(second.body.status, 'waitlisted');
  assert.equal(second.body.status_label, "En liste d'attente");

  const dup = await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: pierre });
  assert.equal(dup.status, 422);
  assert.equal(byField(dup).contact_id, 'Cette personne est déjà inscrite à cet événement.');

  const cancel = await member.call('POST', `/api/v1/registrations/${first.body.id}/cancel`);
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.status, 'cancelled');
  const offered = await member.call('GET', `/api/v1/registrations/${second.body.id}`);
  assert.equal(offered.body.status, 'offered');
  assert.ok(offered.body.offer_expires_at > new Date().toISOString());
  const accepted = await member.call('POST', `/api/v1/registrations/${second.body.id}/accept`);
  assert.equal(accepted.body.status, 'registered');
  const counts = await admin.call('GET', `/api/v1/events/${ev.id}`);
  assert.equal(counts.body.seats_used, 1);
  assert.equal(counts.body.waitlisted, 0);
  const own = await member.call('GET', `/api/v1/registrations?event_id=${ev.id}`);
  assert.deepEqual(own.body.items.map((r) => r.status).sort(), ['cancelled', 'registered']);
});

test('a session over capacity and a registration outside the window are refused in French', async () => {
  const ev = await createEvent(admin, { capacity: 10, sessions: [{ title: 'Atelier B', capacity: 1 }] });
  const session = ev.sessions[0].id;
  const pierre = await contactId('Pierre Morel', DEMO.solipass);
  const aurelie = await contactId('Aurélie Fournier', DEMO.solipass);
  assert.equal((await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: pierre, session_ids: [session] })).status, 201);
  const over = await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: aurelie, session_ids: [session] });
  assert.equal(over.status, 422);
  assert.equal(byField(over).sessions, 'La session « Atelier B » est complète : choisissez-en une autre.');

  const closed = await createEvent(admin, { registration_opens_at: local(-10), registration_closes_at: local(-1) });
  const late = await member.call('POST', '/api/v1/registrations', { event_id: closed.id, contact_id: pierre });
  assert.equal(late.status, 422);
  assert.equal(byField(late).event_id, 'Les inscriptions sont closes.');
  const draft = await createEvent(admin, { status: 'draft' });
  const hidden = await member.call('POST', '/api/v1/registrations', { event_id: draft.id, contact_id: pierre });
  assert.equal(hidden.status, 422, 'a draft is not visible to members');
  assert.equal(byField(hidden).event_id, 'Événement introuvable.');
});

test('a member sees only its own registrations; another organisation\'s is 404', async () => {
  const ev = await createEvent(admin, { capacity: 20 });
  const other = await admin.call('POST', '/api/v1/registrations', {
    event_id: ev.id, contact_id: await contactId('Pierre Morel', DEMO.solipass),
  });
  assert.equal(other.status, 201);
  const c = await admin.call('POST', '/api/v1/contacts', { first_name: 'Odile', last_name: 'Erdre', organisation_ids: [ids['Association intermédiaire Erdre et Loire']] });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const foreign = await admin.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: c.body.id });
  assert.equal(foreign.status, 201, JSON.stringify(foreign.body));
  assert.equal((await member.call('GET', `/api/v1/registrations/${foreign.body.id}`)).status, 404);
  assert.equal((await member.call('POST', `/api/v1/registrations/${foreign.body.id}/cancel`)).status, 404);
  assert.equal((await network.call('GET', `/api/v1/registrations/${foreign.body.id}`)).status, 404);
  assert.equal((await partner.call('GET', `/api/v1/registrations/${foreign.body.id}`)).status, 403);
  const own = await member.call('GET', `/api/v1/registrations?event_id=${ev.id}`);
  assert.deepEqual(own.body.items.map((r) => r.organisation_name), [DEMO.solipass]);
  // A member cannot register another organisation's contact.
  const res = await member.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: foreign.body.contact_id });
  assert.equal(res.status, 422);
  assert.equal(byField(res).contact_id, 'Contact introuvable parmi ceux de votre structure.');
});

test('status changes follow the allowed transitions', async () => {
  const ev = await createEvent(network, { organiser_id: ids[DEMO.idf], regions: ['11'], status: 'draft' });
  const published = await network.call('PATCH', `/api/v1/events/${ev.id}`, { status: 'published' });
  assert.equal(published.status, 200);
  assert.equal(published.body.status, 'published');
  const cancelled = await network.call('PATCH', `/api/v1/events/${ev.id}`, { status: 'cancelled' });
  assert.equal(cancelled.body.status_label, 'Annulé');
  const back = await network.call('PATCH', `/api/v1/events/${ev.id}`, { status: 'published' });
  assert.equal(back.status, 422);
  assert.equal(byField(back).status, 'Un événement « Annulé » ne peut pas passer à « Publié ».');
});

test('the OpenAPI document describes the events and registrations', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/events', '/api/v1/events/{id}', '/api/v1/events/{id}/sessions', '/api/v1/registrations',
    '/api/v1/registrations/{id}', '/api/v1/registrations/{id}/cancel', '/api/v1/registrations/{id}/accept'])
    assert.ok(doc.paths[p], p);
  assert.ok(doc.paths['/api/v1/events'].post && doc.paths['/api/v1/events/{id}'].patch);
  assert.deepEqual(doc.components.schemas.Registration.properties.status.enum.length, 8);
});

test('the expiry pass is a command', async () => {
  const out = await server.cli(['events', 'expire-offers']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /Places proposées expirées : 0\./);
});
