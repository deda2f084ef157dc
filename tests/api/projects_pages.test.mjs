// Working groups and funded projects pages (issue 5) as a browser submits
// them: the lists with search, filters and CSV/XLSX exports; the group page
// (members, meetings with their dates the French way, deliverables) and the
// project page (figures computed from the rows, and how participants are
// counted); forms that come back with every French error next to its field and
// what was typed; members read their group but write nothing (403); another
// delegation's group or project is 404 on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loginAs, tokenClient, organisationIds, DEMO, stopServer } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';
import { readXlsx } from '../support/xlsx.mjs';

let server, memberPage, networkPage, adminPage, partnerPage, adminApi, ids, groupId, projectId;
const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const csrfOf = (html) => html.match(/name="_csrf" value="([^"]+)"/)[1];
const valueOf = (html, name) => unescape((html.match(new RegExp(`name="${name}"[^>]*value="([^"]*)"`)) || [])[1] ?? '');

before(async () => {
  server = await startServer();
  memberPage = await loginAs(server, 'member');
  networkPage = await loginAs(server, 'network');
  adminPage = await loginAs(server, 'admin');
  partnerPage = await loginAs(server, 'partner');
  adminApi = await tokenClient(server, 'admin');
  ids = await organisationIds(adminApi);
  groupId = (await adminApi.call('GET', '/api/v1/working-groups?q=recrutement')).body.items[0].id;
  projectId = (await adminApi.call('GET', '/api/v1/projects?q=participation')).body.items[0].id;
});
after(() => stopServer(server));

async function page(client, path, status = 200) {
  const res = await client.get(path);
  assert.equal(res.status, status, `${path}: ${res.status}`);
  return res.text();
}

test('the group page: members, meetings with French dates, deliverables; a member reads it without forms', async () => {
  const html = text(await page(memberPage, `/groupes-de-travail/${groupId}`));
  assert.match(html, /Difficultés de recrutement dans les SIAE/);
  assert.match(html, /depuis le 14 janvier 2021/);
  assert.match(html, /Solipass Pierre Morel Pilote/);
  assert.match(html, /14 janvier 2021, 14 h Groupe recrutement : réunion de lancement/);
  assert.match(html, /8 décembre 2021, 9 h 30 Journée Pays de la Loire/);
  assert.match(html, /Note : pourquoi les SIAE peinent à recruter/);
  assert.doesNotMatch(html, /Ajouter un membre/);
  const members = await (await memberPage.get(`/groupes-de-travail/${groupId}/membres.csv`)).text();
  assert.match(members, /^Structure;Contact;Rôle;Arrivée\r\nSolipass;Pierre Morel;Pilote;2021-01-14\r\n/);
  assert.equal(members.trim().split('\r\n').length, 5);
  const list = text(await page(memberPage, '/groupes-de-travail'));
  assert.match(list, /Difficultés de recrutement dans les SIAE/);
  assert.doesNotMatch(list, /Créer un groupe de travail/);
  // Writes: 403 for a member, whatever the id.
  const csrf = csrfOf(await page(memberPage, '/groupes-de-travail'));
  for (const path of ['/groupes-de-travail', `/groupes-de-travail/${groupId}`, `/groupes-de-travail/${groupId}/membres`,
    `/groupes-de-travail/${groupId}/reunions`, `/groupes-de-travail/${groupId}/livrables`])
    assert.equal((await memberPage.post(path, { form: { _csrf: csrf } })).status, 403, path);
  assert.equal((await memberPage.get('/groupes-de-travail/nouveau')).status, 403);
  assert.equal((await memberPage.get(`/groupes-de-travail/${groupId}/modifier`)).status, 403);
  assert.equal((await partnerPage.get('/groupes-de-travail')).status, 403);
});

test('the project page shows the figures computed from the rows and how participants are counted', async () => {
  const html = text(await page(adminPage, `/projets/${projectId}`));
  assert.match(html, /du 1er juin 2021 au 30 juin 2022/);
  assert.match(html, /10 sur 10 prévues ; Café discussion : 6 \/ 6 ; Atelier d'expérience : 4 \/ 4/);
  assert.match(html, /42 pour un objectif de 40 \(100 présences\)/);
  assert.match(html, /45 000,00 €/);
  assert.match(html, /personnes distinctes inscrites avec le statut « Présent »/);
  assert.match(html, /Vidéo 5 : Nos propositions au réseau/);
  assert.match(html, /3 min 30 s/);
  assert.match(html, /17 juin 2021, 14 h/);
  const list = text(await page(adminPage, '/projets?q=participation'));
  assert.match(list, /Cycle participation : la parole des salariés en insertion/);
  const report = await adminPage.get(`/projets/${projectId}/rapport-financeurs.xlsx`);
  assert.equal(report.status, 200);
  const book = readXlsx(Buffer.from(await report.arrayBuffer()));
  assert.equal(book['Synthèse'].find((r) => r[0] === 'Participants (personnes distinctes présentes)')[1], '42');
  const csv = await (await adminPage.get(`/projets/${projectId}/activites.csv`)).text();
  assert.equal(csv.trim().split('\r\n').length, 11);
  assert.match(csv, /^Type;Activité;Date prévue;Événement;État;Présents/);
});

test('another delegation\'s group and project are 404 on every page; members and partners 403 on projects', async () => {
  const csrf = csrfOf(await page(networkPage, '/projets'));
  for (const path of [`/groupes-de-travail/${groupId}`, `/groupes-de-travail/${groupId}/modifier`, `/projets/${projectId}`,
    `/projets/${projectId}/modifier`, `/projets/${projectId}/rapport-financeurs.xlsx`, `/projets/${projectId}/activites.csv`,
    `/groupes-de-travail/${groupId}/membres.csv`])
    assert.equal((await networkPage.get(path)).status, 404, path);
  for (const path of [`/groupes-de-travail/${groupId}`, `/groupes-de-travail/${groupId}/membres`, `/groupes-de-travail/${groupId}/reunions`,
    `/groupes-de-travail/${groupId}/livrables`, `/projets/${projectId}`, `/projets/${projectId}/financeurs`,
    `/projets/${projectId}/activites`, `/projets/${projectId}/livrables`])
    assert.equal((await networkPage.post(path, { form: { _csrf: csrf } })).status, 404, path);
  assert.doesNotMatch(text(await page(networkPage, '/projets')), /Cycle participation/);
  assert.doesNotMatch(text(await page(networkPage, '/groupes-de-travail')), /Difficultés de recrutement/);
  for (const client of [memberPage, partnerPage]) {
    const token = csrfOf(await page(client, '/compte'));
    for (const path of ['/projets', `/projets/${projectId}`, `/projets/${projectId}/financeurs`, `/projets/${projectId}/activites`,
      `/projets/${projectId}/livrables`, '/livrables/1', '/financements/1'])
      assert.equal((await client.post(path, { form: { _csrf: token } })).status, 403, path);
    assert.equal((await client.get('/projets/nouveau')).status, 403);
    assert.equal((await client.get(`/projets/${projectId}/modifier`)).status, 403);
    assert.equal((await client.get('/projets')).status, 403);
    assert.equal((await client.get(`/projets/${projectId}`)).status, 403);
    assert.equal((await client.get(`/projets/${projectId}/rapport-financeurs.xlsx`)).status, 403);
  }
});

test('the project form comes back with every French error and what was typed, then creates', async () => {
  const form = await page(networkPage, '/projets/nouveau');
  const csrf = csrfOf(form);
  const bad = await networkPage.post('/projets', { form: {
    _csrf: csrf, title: 'Ateliers numériques', carrier_id: String(ids[DEMO.idf]), starts_on: '2024-12-31',
    ends_on: '2024-01-01', target_participants: '-4', goal: 'Autonomie numérique des salariés',
  } });
  assert.equal(bad.status, 422);
  const html = await bad.text();
  const t = text(html);
  assert.match(t, /La fin doit être après le début\./);
  assert.match(t, /L'objectif de participants ne peut pas être négatif\./);
  assert.equal(valueOf(html, 'title'), 'Ateliers numériques');
  assert.equal(valueOf(html, 'target_participants'), '-4');
  assert.match(html, /Autonomie numérique des salariés<\/textarea>/);
  assert.match(html, /aria-invalid="true"/);
  const ok = await networkPage.post('/projets', { form: {
    _csrf: csrf, title: 'Ateliers numériques', carrier_id: String(ids[DEMO.idf]), starts_on: '2024-01-01',
    ends_on: '2024-12-31', target_participants: '12',
  } });
  assert.equal(ok.status, 303);
  const url = ok.headers.get('location');
  // A negative amount and a non-numeric one: the message next to the field, the typed amount kept.
  for (const [amount, message] of [['-500', 'Le montant ne peut pas être négatif.'], ['beaucoup', 'Le montant doit être un nombre en euros (12 500,00).']]) {
    const res = await networkPage.post(`${url}/financeurs`, { form: { _csrf: csrf, funder_organisation_id: String(ids["Fondation Agir pour l'inclusion"]), funder_amount: amount } });
    assert.equal(res.status, 422);
    const body = await res.text();
    assert.ok(text(body).includes(message), message);
    assert.equal(valueOf(body, 'funder_amount'), amount);
    assert.match(body, /<details id="add-funder" open>/);
  }
  const funded = await networkPage.post(`${url}/financeurs`, { form: { _csrf: csrf, funder_organisation_id: String(ids["Fondation Agir pour l'inclusion"]), funder_amount: '2 500,50' } });
  assert.equal(funded.status, 303);
  assert.match(text(await page(networkPage, url)), /2 500,50 €/);
  const unknown = await networkPage.post(`${url}/activites`, { form: { _csrf: csrf, activity_kind: 'discussion_cafe', activity_title: 'Café 1', activity_planned_on: '2024-03-01', activity_event_id: '999999' } });
  assert.equal(unknown.status, 422);
  const ub = await unknown.text();
  assert.match(text(ub), /Événement introuvable parmi ceux que vous organisez\./);
  assert.equal(valueOf(ub, 'activity_title'), 'Café 1');
});

test('the group form and sub-forms: errors in French, duplicates refused, typed values kept', async () => {
  const csrf = csrfOf(await page(networkPage, '/groupes-de-travail/nouveau'));
  const bad = await networkPage.post('/groupes-de-travail', { form: { _csrf: csrf, title: 'Mobilité', organiser_id: String(ids[DEMO.idf]), starts_on: '2024-05-01', ends_on: '2024-04-01' } });
  assert.equal(bad.status, 422);
  const b = await bad.text();
  assert.match(text(b), /La fin doit être après le début\./);
  assert.equal(valueOf(b, 'ends_on'), '2024-04-01');
  const ok = await networkPage.post('/groupes-de-travail', { form: { _csrf: csrf, title: 'Mobilité', organiser_id: String(ids[DEMO.idf]), starts_on: '2024-05-01' } });
  assert.equal(ok.status, 303);
  const url = ok.headers.get('location');
  const add = (form) => networkPage.post(`${url}/membres`, { form: { _csrf: csrf, ...form } });
  assert.equal((await add({ member_organisation_id: String(ids[DEMO.rebond]), member_role: 'pilot' })).status, 303);
  const dup = await add({ member_organisation_id: String(ids[DEMO.rebond]), member_role: 'member' });
  assert.equal(dup.status, 422);
  const d = await dup.text();
  assert.match(text(d), /Cette structure est déjà membre du groupe\./);
  assert.match(d, /<option value="member" selected>/);
  const bad2 = await networkPage.post(`${url}/livrables`, { form: { _csrf: csrf, deliverable_kind: 'video', deliverable_title: 'Vidéo', deliverable_url: 'ftp://x', deliverable_duration: '3:99' } });
  assert.equal(bad2.status, 422);
  const v = await bad2.text();
  assert.match(text(v), /Le lien doit commencer par https:\/\/\./);
  assert.match(text(v), /Durée invalide/);
  assert.equal(valueOf(v, 'deliverable_url'), 'ftp://x');
  const page2 = text(await page(networkPage, url));
  assert.match(page2, /Rebond 93 — Association intermédiaire/);
  assert.match(page2, /depuis le 1er mai 2021|depuis le 1er mai 2024/);
});

test('staff change a deliverable and a funder\'s amount from the project page; others get 404', async () => {
  const p = (await adminApi.call('GET', `/api/v1/projects/${projectId}`)).body;
  const synthesis = p.deliverables.find((d) => d.kind === 'synthesis');
  const form = await page(adminPage, `/livrables/${synthesis.id}/modifier`);
  assert.equal(valueOf(form, 'deliverable_file_ref'), 'synthese-cycle-participation-2022.pdf');
  const csrf = csrfOf(form);
  const bad = await adminPage.post(`/livrables/${synthesis.id}`, { form: {
    _csrf: csrf, deliverable_kind: 'synthesis', deliverable_title: 'Synthèse écrite du cycle', deliverable_status: 'delivered',
    deliverable_url: '', deliverable_file_ref: '', deliverable_dated_on: '2022-06-30' } });
  assert.equal(bad.status, 422);
  const b = await bad.text();
  assert.match(text(b), /Un livrable remis a un lien ou une référence de fichier\./);
  assert.equal(valueOf(b, 'deliverable_title'), 'Synthèse écrite du cycle');
  const ok = await adminPage.post(`/livrables/${synthesis.id}`, { form: {
    _csrf: csrf, deliverable_kind: 'synthesis', deliverable_title: 'Synthèse écrite du cycle', deliverable_status: 'delivered',
    deliverable_url: 'https://docs.passerelle.fr/synthese', deliverable_dated_on: '2022-06-30' } });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `/projets/${projectId}`);
  assert.match(text(await page(adminPage, `/projets/${projectId}`)), /Synthèse écrite du cycle Synthèse écrite 30 juin 2022 Remis https:\/\/docs\.passerelle\.fr\/synthese/);

  const funder = p.funders[0];
  assert.match(text(await page(adminPage, `/financements/${funder.id}/modifier`)), /Montant accordé par Association Parole et Engagement/);
  const negative = await adminPage.post(`/financements/${funder.id}`, { form: { _csrf: csrf, funder_amount: '-3' } });
  assert.equal(negative.status, 422);
  assert.match(text(await negative.text()), /Le montant ne peut pas être négatif\./);
  assert.equal((await adminPage.post(`/financements/${funder.id}`, { form: { _csrf: csrf, funder_amount: '16 000' } })).status, 303);
  assert.equal((await adminApi.call('GET', `/api/v1/projects/${projectId}`)).body.figures.funded_cents, 4600000);

  const other = csrfOf(await page(networkPage, '/projets'));
  for (const path of [`/livrables/${synthesis.id}/modifier`, `/financements/${funder.id}/modifier`])
    assert.equal((await networkPage.get(path)).status, 404, path);
  assert.equal((await networkPage.post(`/livrables/${synthesis.id}`, { form: { _csrf: other } })).status, 404);
  assert.equal((await networkPage.post(`/financements/${funder.id}`, { form: { _csrf: other } })).status, 404);
  assert.equal((await memberPage.get(`/livrables/${synthesis.id}/modifier`)).status, 403);
  const groupDeliverable = (await adminApi.call('GET', `/api/v1/working-groups/${groupId}`)).body.deliverables[0];
  assert.equal((await memberPage.get(`/livrables/${groupDeliverable.id}/modifier`)).status, 403, 'a member reads, never writes');
});

test('lists export as CSV and XLSX with their filters', async () => {
  const csv = await (await adminPage.get('/groupes-de-travail?q=recrutement&format=csv')).text();
  assert.match(csv, /^Groupe de travail;Animé par;Début;Fin;Statut;Membres;Réunions\r\n/);
  assert.match(csv, /Difficultés de recrutement dans les SIAE;Délégation Pays de la Loire;2021-01-14;;En cours;4;4/);
  const xlsx = await adminPage.get('/projets?format=xlsx');
  assert.equal(xlsx.status, 200);
  const book = readXlsx(Buffer.from(await xlsx.arrayBuffer()));
  const row = book['Projets'].find((r) => r[0] === 'Cycle participation : la parole des salariés en insertion');
  assert.equal(row[1], 'Délégation Hauts-de-France');
  assert.equal(row[6], '4600000', 'after the raise of the previous test');
});

test('staff remove a member of a group and a funder of a project from their pages; other delegations 404, members 403', async () => {
  const g = await adminApi.call('POST', '/api/v1/working-groups', {
    title: 'Santé au travail des encadrants techniques', organiser_id: ids[DEMO.idf], starts_on: '2024-05-01',
  });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const added = await adminApi.call('POST', `/api/v1/working-groups/${g.body.id}/members`, { organisation_id: ids[DEMO.rebond] });
  const memberId = added.body.members[0].id;
  let html = await page(networkPage, `/groupes-de-travail/${g.body.id}`);
  assert.match(html, new RegExp(`action="/groupes-de-travail/${g.body.id}/membres/${memberId}/retirer"`));
  assert.match(html, /aria-label="Retirer Rebond 93 — Association intermédiaire du groupe"/);
  const csrf = csrfOf(html);
  // A member reads the demo group without any removal button, and may not post one.
  const demoGroup = (await adminApi.call('GET', `/api/v1/working-groups/${groupId}`)).body;
  const memberView = await page(memberPage, `/groupes-de-travail/${groupId}`);
  assert.doesNotMatch(memberView, /\/retirer"/);
  assert.equal((await memberPage.post(`/groupes-de-travail/${groupId}/membres/${demoGroup.members[0].id}/retirer`,
    { form: { _csrf: csrfOf(memberView) } })).status, 403);
  // The Île-de-France staff and the Pays de la Loire group: 404, nothing removed.
  assert.equal((await networkPage.post(`/groupes-de-travail/${groupId}/membres/${demoGroup.members[0].id}/retirer`,
    { form: { _csrf: csrf } })).status, 404);
  assert.equal((await adminApi.call('GET', `/api/v1/working-groups/${groupId}`)).body.members.length, demoGroup.members.length);

  const res = await networkPage.post(`/groupes-de-travail/${g.body.id}/membres/${memberId}/retirer`, { form: { _csrf: csrf } });
  assert.equal(res.status, 303);
  html = await page(networkPage, `/groupes-de-travail/${g.body.id}`);
  assert.match(text(html), /Rebond 93 — Association intermédiaire ne fait plus partie du groupe\./);
  assert.match(text(html), /Aucun membre pour l'instant\./);

  // The demo project's funder, removed by the federation's admin from the project page.
  const p = (await adminApi.call('GET', `/api/v1/projects/${projectId}`)).body;
  const funder = p.funders.find((f) => f.name === 'Fondation Agir pour l\'inclusion') ?? p.funders[p.funders.length - 1];
  html = await page(adminPage, `/projets/${projectId}`);
  assert.match(html, new RegExp(`action="/projets/${projectId}/financeurs/${funder.id}/retirer"`));
  assert.equal((await networkPage.post(`/projets/${projectId}/financeurs/${funder.id}/retirer`, { form: { _csrf: csrf } })).status, 404);
  assert.equal((await memberPage.post(`/projets/${projectId}/financeurs/${funder.id}/retirer`, { form: { _csrf: csrfOf(memberView) } })).status, 403);
  const removed = await adminPage.post(`/projets/${projectId}/financeurs/${funder.id}/retirer`, { form: { _csrf: csrfOf(html) } });
  assert.equal(removed.status, 303);
  const after = (await adminApi.call('GET', `/api/v1/projects/${projectId}`)).body;
  assert.equal(after.funders.length, p.funders.length - 1);
  assert.equal(after.figures.funded_cents, p.figures.funded_cents - funder.amount_cents);
  assert.match(text(await page(adminPage, `/projets/${projectId}`)), new RegExp(`${funder.name.replace(/'/g, "'")} ne figure plus parmi les financeurs\\.`));
});
