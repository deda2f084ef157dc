// After the registrations (issue 5): the check-in list (one tap per person,
// search, opens on the event's day), bulk present/absent once the event is
// over, the outcome (synthesis, videos, next date announced to the same
// audience) and the participation reports per event, member and region with
// the members who never attend — through the API and the pages. Another
// delegation's staff get 404, members and partners 403 on staff routes, bad
// input a French problem+json or the form back with what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { tokenClient, loginAs, organisationIds, stopServer, DEMO } from '../support/api.mjs';

let server, admin, network, member, partner, adminPage, networkPage, memberPage, ids;
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const csrfOf = (html) => html.match(/name="_csrf" value="([^"]+)"/)[1];

// "YYYY-MM-DDTHH:MM" in Europe/Paris, `minutes` from now (as a form sends it).
function paris(minutes) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(Date.now() + minutes * 60000)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');       // Fédération: the whole network
  network = await tokenClient(server, 'network');   // Délégation Île-de-France
  member = await tokenClient(server, 'member');     // Solipass (Pays de la Loire)
  partner = await tokenClient(server, 'partner');   // no events role
  adminPage = await loginAs(server, 'admin');
  networkPage = await loginAs(server, 'network');
  memberPage = await loginAs(server, 'member');
  ids = await organisationIds(admin);
});
after(() => stopServer(server));

async function contacts(organisation) {
  const res = await admin.call('GET', `/api/v1/contacts?organisation_id=${ids[organisation]}`);
  assert.equal(res.status, 200);
  return res.body.items.map((c) => ({ id: c.id, organisation_id: ids[organisation], name: `${c.first_name} ${c.last_name}` }));
}

// A Pays de la Loire workshop going on now: started an hour ago, registrations open for another hour.
async function eventGoingOn(title) {
  const res = await admin.call('POST', '/api/v1/events', {
    kind: 'workshop', title, starts_at: paris(-60), ends_at: paris(180), registration_closes_at: paris(60),
    venue: 'Nantes', organiser_id: ids[DEMO.pdl], regions: ['52'], status: 'published',
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function register(eventId, people) {
  const out = [];
  for (const p of people) {
    const res = await admin.call('POST', '/api/v1/registrations', { event_id: eventId, contact_id: p.id, organisation_id: p.organisation_id });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    out.push(res.body);
  }
  return out;
}

test('one tap marks a person present; the list counts and searches; the bulk marking waits for the end', async () => {
  const ev = await eventGoingOn('Atelier émargement');
  const people = [...await contacts(DEMO.solipass), ...await contacts('Association intermédiaire Erdre et Loire')];
  assert.ok(people.length >= 2, 'two demo contacts in Pays de la Loire');
  const regs = await register(ev.id, people.slice(0, 2));

  let res = await admin.call('POST', `/api/v1/registrations/${regs[0].id}/attendance`, { status: 'attended' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'attended');
  assert.equal(res.body.status_label, 'Présent');
  res = await admin.call('GET', `/api/v1/events/${ev.id}/checkin`);
  assert.deepEqual([res.body.expected, res.body.attended, res.body.no_show], [2, 1, 0]);
  const first = people[0].name.split(' ')[0].normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  res = await admin.call('GET', `/api/v1/events/${ev.id}/checkin?q=${encodeURIComponent(first)}`);
  assert.ok(res.body.items.some((r) => r.contact_name === people[0].name), 'accent-insensitive search by name');

  res = await admin.call('POST', `/api/v1/registrations/${regs[1].id}/attendance`, { status: 'present' });
  assert.equal(res.status, 422);
  assert.match(res.type, /problem\+json/);
  assert.match(byField(res).status, /attended \(présent\), no_show \(absent\)/);

  res = await admin.call('POST', `/api/v1/events/${ev.id}/attendance`, { status: 'no_show', all_unmarked: true });
  assert.equal(res.status, 422);
  assert.equal(byField(res).status, "Le pointage groupé s'ouvre à la fin de l'événement.");

  // Staff of another delegation: 404; a member or a partner: 403.
  assert.equal((await network.call('GET', `/api/v1/events/${ev.id}/checkin`)).status, 404);
  assert.equal((await network.call('POST', `/api/v1/registrations/${regs[1].id}/attendance`, { status: 'attended' })).status, 404);
  assert.equal((await member.call('POST', `/api/v1/registrations/${regs[1].id}/attendance`, { status: 'attended' })).status, 403);
  assert.equal((await partner.call('GET', `/api/v1/events/${ev.id}/checkin`)).status, 403);

  // The event is over: everyone not marked yet becomes absent in one go.
  res = await admin.call('PATCH', `/api/v1/events/${ev.id}`, { starts_at: paris(-180), ends_at: paris(-5), registration_closes_at: paris(-10) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  res = await admin.call('POST', `/api/v1/events/${ev.id}/attendance`, { status: 'no_show', all_unmarked: true });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.changed, res.body.attended, res.body.no_show], [1, 1, 1]);
  const history = await admin.call('GET', `/api/v1/registrations/${regs[1].id}`);
  assert.equal(history.body.status, 'no_show');
});

test('check-in opens on the event\'s day: a French message before', async () => {
  const res = await admin.call('POST', '/api/v1/events', {
    kind: 'webinar', title: 'Webinaire à venir', starts_at: paris(3 * 24 * 60), ends_at: paris(3 * 24 * 60 + 60),
    visio_url: 'https://visio.example.fr/a-venir', organiser_id: ids[DEMO.pdl], regions: ['52'], status: 'published',
  });
  const [reg] = await register(res.body.id, (await contacts(DEMO.solipass)).slice(0, 1));
  const out = await admin.call('POST', `/api/v1/registrations/${reg.id}/attendance`, { status: 'attended' });
  assert.equal(out.status, 422);
  assert.match(byField(out).status, /^L'émargement ouvre le jour de l'événement, le \d\d\/\d\d\/\d{4}\.$/);
});

test('the check-in page: one tap per person, with the search kept, then the count moves', async () => {
  const ev = await eventGoingOn('Atelier émargement (page)');
  const people = (await contacts(DEMO.solipass)).slice(0, 2);
  const regs = await register(ev.id, people);
  let html = await (await adminPage.get(`/evenements/${ev.id}/emargement`)).text();
  assert.match(text(html), /0 présent\(s\) sur 2 attendu\(s\)/);
  const res = await adminPage.post(`/evenements/${ev.id}/emargement/${regs[0].id}`, { form: { _csrf: csrfOf(html), status: 'attended', q: 'x' } });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/evenements/${ev.id}/emargement?q=x#r${regs[0].id}`);
  html = await (await adminPage.get(`/evenements/${ev.id}/emargement`)).text();
  assert.match(text(html), new RegExp(`${people[0].name} : présent\\(e\\)\\.`), 'a flash names the person');
  assert.match(text(html), /1 présent\(s\) sur 2 attendu\(s\)/);
  // Another delegation's staff: 404 on the page and on the tap; a member: 403.
  assert.equal((await networkPage.get(`/evenements/${ev.id}/emargement`)).status, 404);
  const csrf = csrfOf(await (await networkPage.get('/compte')).text());
  assert.equal((await networkPage.post(`/evenements/${ev.id}/emargement/${regs[1].id}`, { form: { _csrf: csrf, status: 'attended' } })).status, 404);
  assert.equal((await memberPage.get(`/evenements/${ev.id}/emargement`)).status, 403);
  const xlsx = await adminPage.get(`/evenements/${ev.id}/emargement.xlsx`);
  assert.equal(xlsx.status, 200);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
});

test('the outcome: errors in French with nothing saved, then the synthesis, videos and next date for the same audience', async () => {
  const created = await admin.call('POST', '/api/v1/events', {
    kind: 'discussion_cafe', title: 'Café-débat de la participation', starts_at: '2019-06-17T14:00', ends_at: '2019-06-17T16:00',
    venue: 'Nantes', organiser_id: ids[DEMO.pdl], regions: ['52'], status: 'published',
  });
  const id = created.body.id;
  let res = await admin.call('PUT', `/api/v1/events/${id}/outcome`, {
    synthesis: 'Première version', videos: [{ title: 'Témoignage', url: 'ftp://video' }],
    next: { starts_at: '2019-06-01T14:00', ends_at: '2019-06-01T16:00' },
  });
  assert.equal(res.status, 422);
  const errors = byField(res);
  assert.match(errors.videos, /Vidéo 1 : l'adresse doit commencer par https:\/\//);
  assert.equal(errors.next_starts_at, 'La prochaine rencontre doit commencer après la fin de celle-ci.');
  assert.equal((await admin.call('GET', `/api/v1/events/${id}/outcome`)).body.synthesis, '', 'nothing saved');

  res = await admin.call('PUT', `/api/v1/events/${id}/outcome`, {
    synthesis: 'Les salariés en insertion ont pris la parole.',
    videos: [{ title: 'Témoignage de Fatou', url: 'https://video.example.fr/fatou' }, { title: '', url: 'https://video.example.fr/2' }],
    next: { starts_at: '2019-09-16T14:00', ends_at: '2019-09-16T16:00' },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.videos.map((v) => v.title), ['Témoignage de Fatou', 'Vidéo 2']);
  const next = res.body.next_event;
  assert.equal(next.starts_at, '2019-09-16T12:00:00Z');
  assert.equal(next.status, 'published');
  // The member of Pays de la Loire sees the next date and reads the outcome; cannot write it.
  const seen = await member.call('GET', `/api/v1/events/${next.id}`);
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.body.regions, ['52']);
  assert.equal(seen.body.kind, 'discussion_cafe');
  const read = await member.call('GET', `/api/v1/events/${id}/outcome`);
  assert.equal(read.body.synthesis, 'Les salariés en insertion ont pris la parole.');
  assert.equal((await member.call('PUT', `/api/v1/events/${id}/outcome`, { synthesis: 'x' })).status, 403);
  assert.equal((await network.call('PUT', `/api/v1/events/${id}/outcome`, { synthesis: 'x' })).status, 404);
  assert.equal((await network.call('GET', `/api/v1/events/${id}/outcome`)).status, 404, 'not open to Île-de-France');
  // Announcing twice is refused.
  res = await admin.call('PUT', `/api/v1/events/${id}/outcome`, { synthesis: 'x', next: { starts_at: '2019-10-01T14:00', ends_at: '2019-10-01T16:00' } });
  assert.equal(byField(res).next_starts_at, 'La prochaine rencontre est déjà annoncée.');
});

test('the outcome form comes back with every error and what was typed', async () => {
  const id = (await admin.call('GET', '/api/v1/events?q=prescripteurs&region=52&status=done')).body.items[0].id;
  let html = await (await adminPage.get(`/evenements/${id}/bilan`)).text();
  const form = [['_csrf', csrfOf(html)], ['synthesis', 'Deux tables rondes très suivies.'],
    ['video_title', 'Table ronde 1'], ['video_url', 'pas une adresse'], ['video_title', ''], ['video_url', ''],
    ['next_starts_at', '2021-12-01T09:30'], ['next_ends_at', '']];
  const res = await adminPage.post(`/evenements/${id}/bilan`, { form });
  assert.equal(res.status, 422);
  html = await res.text();
  const t = text(html);
  assert.match(t, /Rien n'a été enregistré/);
  assert.match(t, /Vidéo 1 : l'adresse doit commencer par https:\/\//);
  assert.match(t, /Indiquez la date et l'heure de fin de la prochaine rencontre\./);
  assert.match(html, />Deux tables rondes très suivies\.<\/textarea>/);
  assert.match(html, /value="pas une adresse"/);
  assert.match(html, /value="2021-12-01T09:30"/);
  const page = text(await (await adminPage.get(`/evenements/${id}`)).text());
  assert.doesNotMatch(page, /Deux tables rondes très suivies/);
  assert.equal((await networkPage.get(`/evenements/${id}/bilan`)).status, 404);
});

test('the PACA day shows its outcome and the next date announced (seed 001)', async () => {
  const paca = (await admin.call('GET', '/api/v1/events?q=journee%20paca&limit=200')).body.items
    .find((e) => e.title === 'Journée des adhérents PACA');
  const html = text(await (await adminPage.get(`/evenements/${paca.id}`)).text());
  assert.match(html, /Une trentaine d'adhérents réunis au Mas Le Cagnard/);
  assert.match(html, /Prochaine rencontre : Journée des adhérents PACA — suite ?, le 06\/04\/2023 à 09:30\./);
});

test('reports: per event, member and region, and the members who never attend, from the demo\'s rows', async () => {
  let res = await admin.call('GET', '/api/v1/events/reports?from=2020-01-01&to=2023-12-31');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const r = res.body;
  assert.equal(r.events.length, 20, 'the seeds\' seven past events, the working group\'s three meetings, the participation cycle\'s ten sessions');
  assert.deepEqual([r.registrations, r.attended, r.no_show], [120, 109, 11]);
  const cafe = r.events.find((e) => e.title === 'Café discussion 1 : ma place dans l\'entreprise');
  assert.deepEqual([cafe.registrations, cafe.attended, cafe.no_show], [11, 10, 1]);
  const april = r.events.find((e) => e.title === 'Journée des adhérents PACA — suite');
  assert.deepEqual([april.registrations, april.attended, april.no_show], [2, 1, 1]);
  const marseille = r.members.find((m) => m.name === DEMO.marseilleRecyclage);
  assert.deepEqual([marseille.events, marseille.attended, marseille.last_attended_at], [2, 2, '2023-04-06T07:30:00Z']);
  const idf = r.regions.find((x) => x.region === '11');
  assert.deepEqual([idf.events, idf.registrations, idf.attended], [4, 3, 3]);
  const never = r.members_never_attending.map((m) => m.name);
  assert.ok(never.includes('GEIQ BTP Île-de-France'), 'a current member who came to nothing');
  assert.ok(!never.includes(DEMO.rebond), 'Rebond 93 came on 20 April 2020');
  assert.ok(!never.includes(DEMO.solipass));

  // The Île-de-France delegation: its own events only.
  res = await network.call('GET', '/api/v1/events/reports?from=2020-01-01&to=2023-12-31');
  assert.deepEqual(res.body.events.map((e) => e.title).sort(), [
    'Réunion des adhérents Île-de-France et Centre-Val de Loire',
    'Troisième réunion : l\'accompagnement des publics pendant le confinement',
    'Webinaire thématique : la paie pendant la crise'].sort());
  assert.ok(!res.body.members.some((m) => m.name === DEMO.marseilleRecyclage));
  assert.equal((await member.call('GET', '/api/v1/events/reports')).status, 403);
  assert.equal((await partner.call('GET', '/api/v1/events/reports')).status, 403);
  res = await admin.call('GET', '/api/v1/events/reports?from=2023-13-01&to=2023-01-01');
  assert.equal(res.status, 422);
  assert.equal(byField(res).from, 'Date de début invalide (jour/mois/année).');
});

test('the reports page and its exports', async () => {
  let res = await adminPage.get('/evenements/rapports?du=2020-01-01&au=2023-12-31');
  assert.equal(res.status, 200);
  const t = text(await res.text());
  assert.match(t, /Période du 01\/01\/2020 au 31\/12\/2023 : 20 événement\(s\), 120 inscription\(s\), 109 présence\(s\), 11 absence\(s\) — taux de présence 91 %/);
  assert.match(t, /Adhérents qui ne viennent jamais/);
  res = await adminPage.get('/evenements/rapports/export.csv?du=2020-01-01&au=2023-12-31&tableau=evenements');
  assert.equal(res.status, 200);
  const csv = (await res.text()).replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  assert.match(csv[0], /^id;événement;type;début/);
  assert.equal(csv.length, 21, 'a header and the twenty events');
  assert.ok(csv.some((l) => l.includes('Journée des adhérents PACA — suite') && l.includes(';2;1;1;0;0;50 %')));
  res = await adminPage.get('/evenements/rapports/export.xlsx?du=2020-01-01&au=2023-12-31&tableau=jamais');
  assert.equal(res.status, 200);
  assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  res = await adminPage.get('/evenements/rapports?du=2023-02-30&au=2023-01-01');
  assert.equal(res.status, 400);
  assert.match(text(await res.text()), /Date de début invalide/);
  assert.equal((await memberPage.get('/evenements/rapports')).status, 403);
});

test('the OpenAPI document describes check-in, attendance, outcome and reports', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  const routes = [['get', '/api/v1/events/{id}/checkin'], ['post', '/api/v1/events/{id}/attendance'],
    ['get', '/api/v1/events/{id}/outcome'], ['put', '/api/v1/events/{id}/outcome'], ['get', '/api/v1/events/reports'],
    ['post', '/api/v1/registrations/{id}/attendance']];
  for (const [method, path] of routes) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
});

test('the event page offers its staff the allowed status changes, and the reports page the years with events', async () => {
  const webinar = (await admin.call('GET', '/api/v1/events?status=published&q=prescripteurs')).body.items[0];
  const html = text(await (await adminPage.get(`/evenements/${webinar.id}`)).text());
  assert.match(html, /Passer à « Terminé »/);
  assert.match(html, /Passer à « Annulé »/);
  assert.doesNotMatch(text(await (await memberPage.get(`/evenements/${webinar.id}`)).text()), /Passer à/);
  const report = text(await (await adminPage.get('/evenements/rapports')).text());
  assert.match(report, /Années : .*2023 .*2021 .*2020/);
});

test('a contact beyond the first 500 of the scope can still be registered through the API', async () => {
  const gen = await server.cli(['bench-data', '--organisations', '20', '--contacts', '700']);
  assert.equal(gen.code, 0, gen.stderr);
  const webinar = (await admin.call('GET', '/api/v1/events?status=published&q=prescripteurs')).body.items[0];
  const html = await (await adminPage.get(`/evenements/${webinar.id}`)).text();
  const offered = new Set([...html.matchAll(/<option value="(\d+:\d+)"/g)].map((m) => m[1]));
  assert.equal(offered.size, 500, 'the form offers the first 500 contacts');
  let pair;
  for (const [name, id] of Object.entries(await organisationIds(admin))) {
    if (!/\d+$/.test(name)) continue;  // the generated organisations
    const res = await admin.call('GET', `/api/v1/contacts?organisation_id=${id}&limit=200`);
    const c = res.body.items.find((x) => !offered.has(`${x.id}:${id}`));
    if (c) { pair = { contact_id: c.id, organisation_id: id }; break; }
  }
  assert.ok(pair, 'a generated contact outside the form\'s list');
  const res = await admin.call('POST', '/api/v1/registrations', { event_id: webinar.id, ...pair });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.contact_id, pair.contact_id);
});
