// Events pages (issue 5) as a browser submits them: the list with search and
// filters, the event page with seats per session and the registrations for
// staff, the registration form of a member (errors in French next to the
// field, typed values kept; then registered), the create form (end before
// start refused with the typed values kept, then created); other roles 403,
// another delegation's event or another organisation's registration 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loginAs, tokenClient, organisationIds, DEMO, stopServer } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

let server, memberPage, networkPage, adminPage, partnerPage, adminApi, ids;
const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const csrfOf = (html) => html.match(/name="_csrf" value="([^"]+)"/)[1];
const local = (days, hour = '10:00') => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10) + 'T' + hour;

before(async () => {
  server = await startServer();
  memberPage = await loginAs(server, 'member');
  networkPage = await loginAs(server, 'network');
  adminPage = await loginAs(server, 'admin');
  partnerPage = await loginAs(server, 'partner');
  adminApi = await tokenClient(server, 'admin');
  ids = await organisationIds(adminApi);
});
after(() => stopServer(server));

async function page(client, path, status = 200) {
  const res = await client.get(path);
  assert.equal(res.status, status, `${path}: ${res.status}`);
  return res.text();
}
async function eventId(title) {
  const res = await adminApi.call('GET', `/api/v1/events?limit=200`);
  return res.body.items.find((e) => e.title === title).id;
}

test('the list shows a member the events open to its region, with search and filters', async () => {
  const html = text(await page(memberPage, '/evenements'));
  assert.match(html, /Journée Pays de la Loire : la relation avec les prescripteurs/);
  assert.match(html, /Congrès national/);
  assert.match(html, /08\/12\/2021 à 09:30 – 16:30/, 'dates the French way, in Paris time');
  assert.doesNotMatch(html, /Journée des adhérents PACA/);
  const search = text(await page(memberPage, '/evenements?q=congres'));
  assert.match(search, /Congrès national/);
  assert.doesNotMatch(search, /prescripteurs/);
  const published = text(await page(memberPage, '/evenements?statut=published'));
  assert.match(published, /Webinaire : recruter avec les prescripteurs du territoire/);
  assert.doesNotMatch(published, /Congrès national/);
  assert.equal((await partnerPage.get('/evenements')).status, 403);
});

test('the PACA day shows its three round tables with their seats, and the registrations to its staff', async () => {
  const id = await eventId('Journée des adhérents PACA');
  const html = text(await page(adminPage, `/evenements/${id}`));
  assert.match(html, /Table ronde 1 : anticiper la fin du PASS IAE/);
  assert.match(html, /Table ronde 3 : repenser le modèle économique des SIAE/);
  assert.match(html, /Inscriptions/);
  assert.match(html, /végétarien/);
  assert.match(html, /31\/01\/2023 à 09:00 – 17:00/);
  // Another delegation's staff and a member outside the region: 404.
  assert.equal((await networkPage.get(`/evenements/${id}`)).status, 404);
  assert.equal((await memberPage.get(`/evenements/${id}`)).status, 404);
});

test('a member registers a contact: errors in French next to the field, typed values kept, then registered', async () => {
  const id = await eventId('Webinaire : recruter avec les prescripteurs du territoire');
  const form = await page(memberPage, `/evenements/${id}`);
  assert.doesNotMatch(text(form), /Inscriptions Personne/, 'a member does not see the list of registrations');
  const csrf = csrfOf(form);
  let res = await memberPage.post(`/evenements/${id}/inscriptions`, { form: { _csrf: csrf, contact: '', dietary: 'végétarien' } });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /<p class="error" id="e-contact">Choisissez la personne à inscrire\.<\/p>/);
  assert.match(html, /value="végétarien"/);
  const option = html.match(/<option value="(\d+:\d+)">Pierre Morel \(Solipass\)<\/option>/);
  assert.ok(option, 'the contacts of the member\'s organisation are offered');
  res = await memberPage.post(`/evenements/${id}/inscriptions`, { form: { _csrf: csrf, contact: option[1], dietary: 'végétarien' } });
  assert.equal(res.status, 303);
  const after = text(await page(memberPage, `/evenements/${id}`));
  assert.match(after, /L'inscription est enregistrée\./);
  assert.match(after, /Pierre Morel \(Solipass\) : Inscrit/);
  assert.match(after, /1 occupée\(s\) sur 50/);
  // Twice: a clear French message, nothing lost.
  res = await memberPage.post(`/evenements/${id}/inscriptions`, { form: { _csrf: csrf, contact: option[1], accessibility: 'fauteuil' } });
  assert.equal(res.status, 422);
  const again = await res.text();
  assert.match(unescape(again), /Cette personne est déjà inscrite à cet événement\./);
  assert.match(again, /value="fauteuil"/);
  // Another organisation's registration: 404.
  const c = await adminApi.call('POST', '/api/v1/contacts', { first_name: 'Odile', last_name: 'Erdre', organisation_ids: [ids['Association intermédiaire Erdre et Loire']] });
  const foreign = await adminApi.call('POST', '/api/v1/registrations', { event_id: id, contact_id: c.body.id });
  assert.equal(foreign.status, 201);
  assert.equal((await memberPage.post(`/inscriptions/${foreign.body.id}/annuler`, { form: { _csrf: csrf } })).status, 404);
  assert.equal((await partnerPage.post(`/inscriptions/${foreign.body.id}/annuler`, { form: { _csrf: csrfOf(await page(partnerPage, '/compte')) } })).status, 403);
});

test('staff create an event: end before start refused next to the field with the typed values kept', async () => {
  assert.equal((await memberPage.get('/evenements/nouveau')).status, 403);
  const blank = await page(networkPage, '/evenements/nouveau');
  const csrf = csrfOf(blank);
  const fields = [['_csrf', csrf], ['kind', 'world_cafe'], ['title', 'World café des CIP'], ['starts_at', local(20, '14:00')],
    ['ends_at', local(20, '12:00')], ['venue', 'Paris 11e'], ['organiser_id', String(ids[DEMO.idf])], ['regions', '11'],
    ['regions', '24'], ['capacity', '25'], ['status', 'published']];
  let res = await networkPage.post('/evenements', { form: fields });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /<p class="error" id="e-ends_at">La fin doit être après le début\.<\/p>/);
  assert.match(html, /value="World café des CIP"/);
  assert.match(html, /value="24" checked/);
  res = await networkPage.post('/evenements', { form: fields.map(([k, v]) => [k, k === 'ends_at' ? local(20, '17:00') : v]) });
  assert.equal(res.status, 303);
  const location = res.headers.get('location');
  assert.match(location, /^\/evenements\/\d+$/);
  const created = text(await page(networkPage, location));
  assert.match(created, /World café des CIP/);
  assert.match(created, /Centre-Val de Loire, Île-de-France|Île-de-France, Centre-Val de Loire/);
  assert.match(created, /0 occupée\(s\) sur 25/);
  // A Pays de la Loire event is out of reach for the Île-de-France delegation.
  const pdl = await eventId('Journée Pays de la Loire : la relation avec les prescripteurs');
  assert.equal((await networkPage.get(`/evenements/${pdl}/modifier`)).status, 404);
});

test('staff add a session to their event; a bad capacity comes back next to the field', async () => {
  const id = await eventId('Webinaire : recruter avec les prescripteurs du territoire');
  const csrf = csrfOf(await page(adminPage, `/evenements/${id}`));
  let res = await adminPage.post(`/evenements/${id}/sessions`, { form: { _csrf: csrf, session_title: 'Atelier prescripteurs', session_capacity: 'douze' } });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /<p class="error" id="e-session_capacity">La capacité doit être un nombre entier positif\.<\/p>/);
  assert.match(html, /value="Atelier prescripteurs"/);
  res = await adminPage.post(`/evenements/${id}/sessions`, { form: { _csrf: csrf, session_title: 'Atelier prescripteurs', session_capacity: '12' } });
  assert.equal(res.status, 303);
  const sessions = await adminApi.call('GET', `/api/v1/events/${id}/sessions`);
  assert.deepEqual(sessions.body.items.map((s) => [s.title, s.capacity]), [['Atelier prescripteurs', 12]]);
  // Not theirs: 404; not staff: 403.
  assert.equal((await networkPage.post(`/evenements/${id}/sessions`, { form: { _csrf: csrfOf(await page(networkPage, '/compte')), session_title: 'x' } })).status, 404);
  assert.equal((await memberPage.post(`/evenements/${id}/sessions`, { form: { _csrf: csrfOf(await page(memberPage, '/compte')), session_title: 'x' } })).status, 403);
});
