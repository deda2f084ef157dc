// Working groups and funded projects through the API (issue 5): the demo's
// figures computed from the rows (seed 004: 10 activities, 6 discussion cafés
// and 4 experience workshops, 42 participants, 3 funders, a synthesis and 5
// videos; the funder report in XLSX says the same), who sees and manages what
// (staff of the subtree manage, members read the groups they belong to, other
// delegations 404, other roles 403 — on every route), and bad input answered
// with French problem+json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { tokenClient, loginAs, organisationIds, stopServer, DEMO } from '../support/api.mjs';
import { readXlsx } from '../support/xlsx.mjs';

let server, admin, network, member, partner, ids, group, project;
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
// A local Paris date-time `days` from now, as a form sends it.
const local = (days, hour = '10:00') => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10) + 'T' + hour;

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');       // Fédération: the whole network
  network = await tokenClient(server, 'network');   // Délégation Île-de-France
  member = await tokenClient(server, 'member');     // Solipass, a member of the demo group
  partner = await tokenClient(server, 'partner');   // no role for these
  ids = await organisationIds(admin);
  const groups = await admin.call('GET', '/api/v1/working-groups?q=recrutement');
  group = groups.body.items.find((g) => g.title === 'Difficultés de recrutement dans les SIAE');
  const projects = await admin.call('GET', '/api/v1/projects?q=participation');
  project = projects.body.items[0];
});
after(() => stopServer(server));

test('the demo working group runs since January 2021 with its members, meetings and deliverables', async () => {
  assert.ok(group, 'the demo group is listed');
  const g = (await admin.call('GET', `/api/v1/working-groups/${group.id}`)).body;
  assert.equal(g.starts_on, '2021-01-14');
  assert.equal(g.ends_on, null);
  assert.equal(g.organiser_name, DEMO.pdl);
  assert.equal(g.members.length, 4);
  assert.deepEqual(g.members.filter((m) => m.role === 'pilot').map((m) => m.organisation_name), [DEMO.solipass]);
  assert.equal(g.meetings.length, 4);
  assert.ok(g.meetings.some((m) => m.title === 'Journée Pays de la Loire : la relation avec les prescripteurs'));
  assert.deepEqual(g.meetings.map((m) => m.starts_at), [...g.meetings.map((m) => m.starts_at)].sort(), 'by date');
  assert.equal(g.deliverables.length, 2);
  assert.equal(g.member_count, 4);
});

test('the seed-004 project: figures computed from the rows', async () => {
  assert.ok(project, 'the demo project is listed');
  assert.equal(project.funded_cents, 4500000);
  const p = (await admin.call('GET', `/api/v1/projects/${project.id}`)).body;
  assert.equal(p.starts_on, '2021-06-01');
  assert.equal(p.ends_on, '2022-06-30');
  assert.equal(p.contact_name, 'Sébastien Garnier');
  assert.equal(p.funders.length, 3);
  assert.equal(p.funders.reduce((s, f) => s + f.amount_cents, 0), 4500000);
  assert.equal(p.activities.length, 10);
  assert.equal(p.activities.filter((a) => a.kind === 'discussion_cafe').length, 6);
  assert.equal(p.activities.filter((a) => a.kind === 'experience_workshop').length, 4);
  assert.ok(p.activities.every((a) => a.event_id && a.state === 'done' && a.attended === 10));
  assert.deepEqual(p.figures, {
    activities_planned: 10, activities_done: 10, activities_cancelled: 0,
    participants_target: 40, participants_actual: 42, attendances: 100,
    funded_cents: 4500000, deliverables: 6, deliverables_delivered: 6,
  });
  const videos = p.deliverables.filter((d) => d.kind === 'video');
  assert.equal(videos.length, 5);
  assert.ok(videos.every((v) => v.duration_seconds >= 120 && v.duration_seconds <= 300 && v.url.startsWith('https://')));
  assert.equal(p.deliverables.filter((d) => d.kind === 'synthesis').length, 1);
});

test('the funder report (XLSX) gives the same figures', async () => {
  const res = await admin.request('GET', `/api/v1/projects/${project.id}/funder-report`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  const book = readXlsx(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(Object.keys(book), ['Synthèse', 'Financeurs', 'Activités', 'Livrables']);
  const summary = Object.fromEntries(book['Synthèse'].slice(1).map((r) => [r[0], r[1]]));
  assert.equal(summary['Période'], 'du 01/06/2021 au 30/06/2022');
  assert.equal(summary['Activités prévues'], '10');
  assert.equal(summary['Activités réalisées'], '10');
  assert.equal(summary['dont Café discussion (réalisées / prévues)'], '6 / 6');
  assert.equal(summary["dont Atelier d'expérience (réalisées / prévues)"], '4 / 4');
  assert.equal(summary['Participants visés'], '40');
  assert.equal(summary['Participants (personnes distinctes présentes)'], '42');
  assert.equal(summary['Présences (toutes activités)'], '100');
  assert.equal(summary['Livrables remis / prévus'], '6 / 6');
  assert.deepEqual(book['Financeurs'].at(-1).slice(0, 1).concat(book['Financeurs'].at(-1)[2]), ['Total', '4500000']);
  assert.equal(book['Activités'].length, 11);
  assert.equal(book['Livrables'].filter((r) => r[0] === 'Vidéo').length, 5);
});

test('members read the groups they belong to; other delegations 404; other roles 403', async () => {
  const mine = await member.call('GET', '/api/v1/working-groups');
  assert.equal(mine.status, 200);
  assert.deepEqual(mine.body.items.map((g) => g.title), ['Difficultés de recrutement dans les SIAE']);
  const read = await member.call('GET', `/api/v1/working-groups/${group.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.managed, false);
  // A member writes nothing: 403 on every write.
  assert.equal((await member.call('POST', '/api/v1/working-groups', {})).status, 403);
  assert.equal((await member.call('PATCH', `/api/v1/working-groups/${group.id}`, { status: 'closed' })).status, 403);
  for (const sub of ['members', 'meetings', 'deliverables'])
    assert.equal((await member.call('POST', `/api/v1/working-groups/${group.id}/${sub}`, {})).status, 403, sub);
  // Projects are the staff's: 403 for members and partners.
  for (const client of [member, partner]) {
    assert.equal((await client.call('GET', '/api/v1/projects')).status, 403);
    assert.equal((await client.call('GET', `/api/v1/projects/${project.id}`)).status, 403);
    assert.equal((await client.call('POST', '/api/v1/projects', {})).status, 403);
    assert.equal((await client.call('PATCH', `/api/v1/projects/${project.id}`, {})).status, 403);
    for (const sub of ['funders', 'activities', 'deliverables'])
      assert.equal((await client.call('POST', `/api/v1/projects/${project.id}/${sub}`, {})).status, 403, sub);
    assert.equal((await client.call('GET', `/api/v1/projects/${project.id}/funder-report`)).status, 403);
    assert.equal((await client.call('PATCH', '/api/v1/deliverables/1', {})).status, 403);
  }
  assert.equal((await partner.call('GET', '/api/v1/working-groups')).status, 403);
  assert.equal((await partner.call('GET', `/api/v1/working-groups/${group.id}`)).status, 403);
  // Île-de-France staff: another delegation's group and project are 404, as an unknown id.
  assert.deepEqual((await network.call('GET', '/api/v1/working-groups')).body.items, []);
  assert.deepEqual((await network.call('GET', '/api/v1/projects')).body.items, []);
  assert.equal((await network.call('GET', `/api/v1/working-groups/${group.id}`)).status, 404);
  assert.equal((await network.call('PATCH', `/api/v1/working-groups/${group.id}`, { status: 'closed' })).status, 404);
  for (const sub of ['members', 'meetings', 'deliverables'])
    assert.equal((await network.call('POST', `/api/v1/working-groups/${group.id}/${sub}`, {})).status, 404, sub);
  assert.equal((await network.call('GET', `/api/v1/projects/${project.id}`)).status, 404);
  assert.equal((await network.call('PATCH', `/api/v1/projects/${project.id}`, { status: 'done' })).status, 404);
  for (const sub of ['funders', 'activities', 'deliverables'])
    assert.equal((await network.call('POST', `/api/v1/projects/${project.id}/${sub}`, {})).status, 404, sub);
  assert.equal((await network.call('GET', `/api/v1/projects/${project.id}/funder-report`)).status, 404);
  const deliverable = (await admin.call('GET', `/api/v1/projects/${project.id}`)).body.deliverables[0];
  assert.equal((await network.call('PATCH', `/api/v1/deliverables/${deliverable.id}`, { status: 'planned' })).status, 404);
  assert.equal((await admin.call('GET', '/api/v1/projects/999999')).status, 404);
  assert.equal((await member.call('GET', '/api/v1/working-groups/999999')).status, 404);
});

test('staff create a group and a project in their subtree, link events, and the figures follow', async () => {
  const g = await network.call('POST', '/api/v1/working-groups', {
    title: 'Mobilité des salariés en insertion', organiser_id: ids[DEMO.idf], starts_on: '2024-02-01',
  });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  assert.equal(g.body.managed, true);
  const added = await network.call('POST', `/api/v1/working-groups/${g.body.id}/members`, { organisation_id: ids[DEMO.rebond], role: 'pilot' });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const dup = await network.call('POST', `/api/v1/working-groups/${g.body.id}/members`, { organisation_id: ids[DEMO.rebond] });
  assert.equal(dup.status, 422);
  assert.equal(dup.type, 'application/problem+json');
  assert.equal(byField(dup).organisation_id, 'Cette structure est déjà membre du groupe.');
  const outside = await network.call('POST', `/api/v1/working-groups/${g.body.id}/members`, { organisation_id: ids[DEMO.solipass] });
  assert.equal(byField(outside).organisation_id, 'Structure introuvable dans votre périmètre.');

  const event = await network.call('POST', '/api/v1/events', {
    kind: 'workshop', title: 'Atelier mobilité', starts_at: local(20, '09:30'), ends_at: local(20, '12:00'),
    venue: 'Saint-Denis', organiser_id: ids[DEMO.idf], regions: ['11'], status: 'published',
  });
  assert.equal(event.status, 201, JSON.stringify(event.body));
  const meeting = await network.call('POST', `/api/v1/working-groups/${g.body.id}/meetings`, { event_id: event.body.id });
  assert.equal(meeting.status, 201);
  assert.equal(meeting.body.meetings[0].title, 'Atelier mobilité');
  const unknown = await network.call('POST', `/api/v1/working-groups/${g.body.id}/meetings`, { event_id: 999999 });
  assert.equal(byField(unknown).event_id, 'Événement introuvable parmi ceux que vous organisez.');

  const p = await network.call('POST', '/api/v1/projects', {
    title: 'Ateliers numériques', goal: 'Autonomie numérique', carrier_id: ids[DEMO.idf],
    starts_on: '2024-01-01', ends_on: '2024-12-31', target_participants: 12, status: 'running',
  });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  assert.equal(p.body.figures.participants_actual, 0);
  const fund = await network.call('POST', `/api/v1/projects/${p.body.id}/funders`, { organisation_id: ids["Fondation Agir pour l'inclusion"], amount_cents: 250000 });
  assert.equal(fund.status, 201, JSON.stringify(fund.body));
  assert.equal(fund.body.figures.funded_cents, 250000);
  const act = await network.call('POST', `/api/v1/projects/${p.body.id}/activities`, {
    kind: 'experience_workshop', title: 'Atelier 1', planned_on: local(20).slice(0, 10), event_id: event.body.id,
  });
  assert.equal(act.status, 201, JSON.stringify(act.body));
  assert.equal(act.body.figures.activities_planned, 1);
  assert.equal(act.body.figures.activities_done, 0, 'its event is not done yet');
  // The event done, with one person present: the figures follow.
  const karim = (await network.call('GET', `/api/v1/contacts?organisation_id=${ids[DEMO.rebond]}`)).body.items[0];
  const reg = await network.call('POST', '/api/v1/registrations', { event_id: event.body.id, contact_id: karim.id });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  assert.equal((await network.call('PATCH', `/api/v1/events/${event.body.id}`, { status: 'done' })).status, 200);
  const after = (await network.call('GET', `/api/v1/projects/${p.body.id}`)).body;
  assert.equal(after.figures.activities_done, 1);
  assert.equal(after.figures.participants_actual, 0, 'registered is not present');
  const video = await network.call('POST', `/api/v1/projects/${p.body.id}/deliverables`, { kind: 'video', title: 'Vidéo', duration_seconds: 150 });
  assert.equal(video.status, 201, JSON.stringify(video.body));
  assert.equal(video.body.status, 'planned');
  const delivered = await network.call('PATCH', `/api/v1/deliverables/${video.body.id}`, { status: 'delivered', url: 'https://videos.example.fr/1' });
  assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
  assert.equal(delivered.body.status, 'delivered');
  assert.equal(delivered.body.duration_seconds, 150);
  const funderId = fund.body.funders[0].id;
  const raised = await network.call('PATCH', `/api/v1/projects/${p.body.id}/funders/${funderId}`, { amount_cents: 300000 });
  assert.equal(raised.status, 200, JSON.stringify(raised.body));
  assert.equal(raised.body.figures.funded_cents, 300000);
  const lowered = await network.call('PATCH', `/api/v1/projects/${p.body.id}/funders/${funderId}`, { amount_cents: -1 });
  assert.equal(byField(lowered).amount_cents, 'Le montant ne peut pas être négatif.');
  // Another project's funder through this project, or this funder for another delegation: 404.
  const demoFunder = (await admin.call('GET', `/api/v1/projects/${project.id}`)).body.funders[0].id;
  assert.equal((await network.call('PATCH', `/api/v1/projects/${p.body.id}/funders/${demoFunder}`, { amount_cents: 1 })).status, 404);
  assert.equal((await network.call('PATCH', `/api/v1/projects/${project.id}/funders/${demoFunder}`, { amount_cents: 1 })).status, 404);
  assert.equal((await member.call('PATCH', `/api/v1/projects/${p.body.id}/funders/${funderId}`, { amount_cents: 1 })).status, 403);
  const updated = await network.call('PATCH', `/api/v1/projects/${p.body.id}`, { status: 'done' });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.title, 'Ateliers numériques', 'a PATCH keeps what it does not name');
});

test('bad input: end before start, negative or non-numeric amounts, negative target, unknown event, duplicates', async () => {
  const g = await admin.call('POST', '/api/v1/working-groups', {
    title: '', organiser_id: ids[DEMO.solipass], starts_on: '2021-03-01', ends_on: '2021-01-01', status: 'dormant',
  });
  assert.equal(g.status, 422);
  assert.equal(g.type, 'application/problem+json');
  const gf = byField(g);
  assert.equal(gf.ends_on, 'La fin doit être après le début.');
  assert.equal(gf.title, 'Le titre est obligatoire.');
  assert.equal(gf.status, 'Statut inconnu.');
  const notDelegation = await admin.call('POST', '/api/v1/working-groups', { title: 'X', organiser_id: ids[DEMO.solipass], starts_on: '2021-03-01' });
  assert.equal(byField(notDelegation).organiser_id, 'Choisissez une délégation ou la fédération de votre périmètre.');

  const p = await admin.call('POST', '/api/v1/projects', {
    title: 'Projet', carrier_id: ids[DEMO.federation], starts_on: '2022-06-30', ends_on: '2021-06-01', target_participants: -3,
  });
  assert.equal(p.status, 422);
  assert.equal(byField(p).ends_on, 'La fin doit être après le début.');
  assert.equal(byField(p).target_participants, "L'objectif de participants ne peut pas être négatif.");
  assert.equal(byField(await admin.call('POST', '/api/v1/projects', {
    title: 'Projet', carrier_id: ids[DEMO.federation], starts_on: '2021-06-01', ends_on: '2022-06-30', target_participants: 'beaucoup',
  })).target_participants, "L'objectif de participants doit être un nombre entier.");

  const negative = await admin.call('POST', `/api/v1/projects/${project.id}/funders`, { organisation_id: ids[DEMO.federation], amount_cents: -500 });
  assert.equal(negative.status, 422);
  assert.equal(byField(negative).amount_cents, 'Le montant ne peut pas être négatif.');
  const text = await admin.call('POST', `/api/v1/projects/${project.id}/funders`, { organisation_id: ids[DEMO.federation], amount_cents: 'mille' });
  assert.equal(byField(text).amount_cents, 'Le montant doit être un nombre entier de centimes.');
  const funders = (await admin.call('GET', `/api/v1/projects/${project.id}`)).body.funders;
  const twice = await admin.call('POST', `/api/v1/projects/${project.id}/funders`, { organisation_id: funders[0].organisation_id, amount_cents: 100 });
  assert.equal(byField(twice).organisation_id, 'Ce financeur figure déjà dans le projet.');

  const unknown = await admin.call('POST', `/api/v1/projects/${project.id}/activities`, {
    kind: 'discussion_cafe', title: 'Café 7', planned_on: '2022-06-02', event_id: 999999,
  });
  assert.equal(unknown.status, 422);
  assert.equal(byField(unknown).event_id, 'Événement introuvable parmi ceux que vous organisez.');
  const linked = (await admin.call('GET', `/api/v1/projects/${project.id}`)).body.activities[0].event_id;
  const again = await admin.call('POST', `/api/v1/projects/${project.id}/activities`, {
    kind: 'discussion_cafe', title: 'Café bis', planned_on: '2022-06-02', event_id: linked,
  });
  assert.equal(byField(again).event_id, 'Cet événement est déjà lié à une activité du projet.');
  const badActivity = await admin.call('POST', `/api/v1/projects/${project.id}/activities`, { kind: 'fete', title: '', planned_on: '2022-02-30' });
  assert.deepEqual(Object.keys(byField(badActivity)).sort(), ['kind', 'planned_on', 'title']);
  const badVideo = await admin.call('POST', `/api/v1/projects/${project.id}/deliverables`, {
    kind: 'video', title: 'V', url: 'ftp://x', duration_seconds: -4, status: 'delivered',
  });
  assert.equal(byField(badVideo).url, 'Le lien doit commencer par https://.');
  assert.equal(byField(badVideo).duration_seconds, 'La durée est un nombre entier de secondes, positif.');
  assert.equal((await admin.call('GET', '/api/v1/projects?status=party')).status, 400);
  // Nothing was written by the refused calls.
  assert.equal((await admin.call('GET', `/api/v1/projects/${project.id}`)).body.figures.activities_planned, 10);
});

test('lists paginate by keyset', async () => {
  for (const title of ['Pagination A', 'Pagination B', 'Pagination C'])
    assert.equal((await admin.call('POST', '/api/v1/working-groups', { title, organiser_id: ids[DEMO.federation], starts_on: '2024-01-01' })).status, 201);
  const first = await admin.call('GET', '/api/v1/working-groups?q=pagination&limit=2');
  assert.equal(first.body.items.length, 2);
  assert.ok(first.body.next);
  const second = await admin.call('GET', `/api/v1/working-groups?q=pagination&limit=2&after=${first.body.next}`);
  assert.deepEqual(second.body.items.map((g) => g.title), ['Pagination C']);
  assert.equal(second.body.next, null);
});

test('the OpenAPI document describes the routes', async () => {
  const doc = (await admin.call('GET', '/api/v1/openapi.json')).body;
  for (const path of ['/api/v1/working-groups', '/api/v1/working-groups/{id}', '/api/v1/working-groups/{id}/members',
    '/api/v1/working-groups/{id}/meetings', '/api/v1/working-groups/{id}/deliverables', '/api/v1/projects',
    '/api/v1/projects/{id}', '/api/v1/projects/{id}/funders', '/api/v1/projects/{id}/activities',
    '/api/v1/projects/{id}/deliverables', '/api/v1/projects/{id}/funder-report', '/api/v1/deliverables/{id}',
    '/api/v1/projects/{id}/funders/{funder_id}'])
    assert.ok(doc.paths[path], path);
  for (const path of ['/api/v1/working-groups/{id}/members/{member_id}', '/api/v1/working-groups/{id}/meetings/{event_id}',
    '/api/v1/projects/{id}/funders/{funder_id}', '/api/v1/projects/{id}/activities/{activity_id}'])
    assert.ok(doc.paths[path]?.delete, `DELETE ${path}`);
  for (const schema of ['WorkingGroup', 'Project', 'Deliverable']) assert.ok(doc.components.schemas[schema], schema);
});

test('staff remove a member, a meeting, a funder and an activity; the figures follow; others 404 or 403; audited', async () => {
  const g = await network.call('POST', '/api/v1/working-groups', {
    title: 'Accès au logement des salariés', organiser_id: ids[DEMO.idf], starts_on: '2024-03-01',
  });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const withMember = await network.call('POST', `/api/v1/working-groups/${g.body.id}/members`, { organisation_id: ids[DEMO.rebond] });
  assert.equal(withMember.status, 201, JSON.stringify(withMember.body));
  const memberId = withMember.body.members[0].id;
  const event = await network.call('POST', '/api/v1/events', {
    kind: 'workshop', title: 'Atelier logement', starts_at: local(25, '09:30'), ends_at: local(25, '12:00'),
    venue: 'Montreuil', organiser_id: ids[DEMO.idf], regions: ['11'], status: 'published',
  });
  assert.equal(event.status, 201, JSON.stringify(event.body));
  assert.equal((await network.call('POST', `/api/v1/working-groups/${g.body.id}/meetings`, { event_id: event.body.id })).status, 201);

  // A member of the network, another delegation, a wrong id: refused, nothing removed.
  assert.equal((await member.call('DELETE', `/api/v1/working-groups/${g.body.id}/members/${memberId}`)).status, 403);
  assert.equal((await partner.call('DELETE', `/api/v1/working-groups/${g.body.id}/meetings/${event.body.id}`)).status, 403);
  const demoMember = (await admin.call('GET', `/api/v1/working-groups/${group.id}`)).body.members[0].id;
  assert.equal((await network.call('DELETE', `/api/v1/working-groups/${group.id}/members/${demoMember}`)).status, 404,
    'the Pays de la Loire group is out of the Île-de-France staff\'s reach');
  assert.equal((await network.call('DELETE', `/api/v1/working-groups/${g.body.id}/members/${demoMember}`)).status, 404,
    'a member of another group through this one');
  let now = (await network.call('GET', `/api/v1/working-groups/${g.body.id}`)).body;
  assert.equal(now.members.length, 1);

  let res = await network.call('DELETE', `/api/v1/working-groups/${g.body.id}/members/${memberId}`);
  assert.equal(res.status, 204);
  assert.equal((await network.call('DELETE', `/api/v1/working-groups/${g.body.id}/members/${memberId}`)).status, 404, 'gone');
  res = await network.call('DELETE', `/api/v1/working-groups/${g.body.id}/meetings/${event.body.id}`);
  assert.equal(res.status, 204);
  now = (await network.call('GET', `/api/v1/working-groups/${g.body.id}`)).body;
  assert.equal(now.members.length, 0);
  assert.equal(now.meetings.length, 0);
  assert.equal((await network.call('GET', `/api/v1/events/${event.body.id}`)).status, 200, 'the event itself stays');

  const p = await network.call('POST', '/api/v1/projects', {
    title: 'Parcours vers le permis de conduire', goal: 'Mobilité', carrier_id: ids[DEMO.idf],
    starts_on: '2024-01-01', ends_on: '2024-12-31', target_participants: 10, status: 'running',
  });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const fund = await network.call('POST', `/api/v1/projects/${p.body.id}/funders`, { organisation_id: ids["Fondation Agir pour l'inclusion"], amount_cents: 120000 });
  assert.equal(fund.status, 201, JSON.stringify(fund.body));
  const act = await network.call('POST', `/api/v1/projects/${p.body.id}/activities`, {
    kind: 'experience_workshop', title: 'Atelier code de la route', planned_on: local(25).slice(0, 10), event_id: event.body.id,
  });
  assert.equal(act.status, 201, JSON.stringify(act.body));
  const funderId = fund.body.funders[0].id, activityId = act.body.activities[0].id;
  assert.equal((await member.call('DELETE', `/api/v1/projects/${p.body.id}/funders/${funderId}`)).status, 403);
  const demo = (await admin.call('GET', `/api/v1/projects/${project.id}`)).body;
  assert.equal((await network.call('DELETE', `/api/v1/projects/${p.body.id}/funders/${demo.funders[0].id}`)).status, 404);
  assert.equal((await network.call('DELETE', `/api/v1/projects/${p.body.id}/activities/${demo.activities[0].id}`)).status, 404);
  assert.equal((await admin.call('GET', `/api/v1/projects/${project.id}`)).body.funders.length, demo.funders.length, 'nothing removed');

  assert.equal((await network.call('DELETE', `/api/v1/projects/${p.body.id}/funders/${funderId}`)).status, 204);
  assert.equal((await network.call('DELETE', `/api/v1/projects/${p.body.id}/activities/${activityId}`)).status, 204);
  const after = (await network.call('GET', `/api/v1/projects/${p.body.id}`)).body;
  assert.equal(after.funders.length, 0);
  assert.equal(after.figures.funded_cents, 0);
  assert.equal(after.activities.length, 0);
  assert.equal(after.figures.activities_planned, 0);

  const journal = await loginAs(server, 'admin');
  const html = await (await journal.get('/admin/journal?action=delete')).text();
  for (const e of ['working_group_member', 'working_group_meeting', 'project_funder', 'project_activity'])
    assert.match(html, new RegExp(e), `audit ${e}`);
  assert.match(html, /Accès au logement des salariés/);
  assert.match(html, /Parcours vers le permis de conduire/);
});
