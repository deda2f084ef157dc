// Clauses (issue 4): the co-contractors and subcontractors of a contract and a
// buyer's purchase programme (seed 003: "programmations d'achats socialement
// responsables 2020/2021"), through the API and the pages as a browser submits
// them: French errors by field, nothing written on bad input, 404 outside the
// scope, 403 for other roles, the audit journal and the contracts export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { ApiClient, loginAs, tokenClient, organisationIds, DEMO, stopServer } from '../support/api.mjs';

let server, facilitator, admin, member, partner, stranger, ids, buyers;
let facilitatorPage, memberPage, adminPage;

const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
// The error paragraph rendered under a field of templates/partials/clauses_field.
const fieldError = (html, name) => {
  const m = html.match(new RegExp(`<p class="error" id="e-${name}">([^<]*)</p>`));
  return m ? unescape(m[1]) : null;
};
const selected = (html, name) => {
  const select = html.match(new RegExp(`<select id="f-${name}"[\\s\\S]*?</select>`));
  const m = select && select[0].match(/<option value="([^"]*)" selected>/);
  return m ? m[1] : null;
};
const inputValue = (html, name) => {
  const m = html.match(new RegExp(`<input id="f-${name}" name="${name}" type="[a-z]+" value="([^"]*)"`));
  return m ? unescape(m[1]) : null;
};

function assertProblem(res, status) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.type, 'application/problem+json');
  assert.equal(res.body.status, status);
}

before(async () => {
  server = await startServer();
  [facilitator, admin, member, partner] = await Promise.all(
    ['facilitator', 'admin', 'member', 'partner'].map((r) => tokenClient(server, r)));
  ids = await organisationIds(admin);
  // A facilitator of another territory (Délégation PACA), by token and by page.
  const email = 'facilitatrice.marseille@exemple.fr';
  const out = await server.cli(['user', 'add', email, '--name', 'Fanny Marseille', '--role', 'facilitator',
    '--org', String(ids[DEMO.paca]), '--password-stdin'], 'Un-mot-de-passe-solide-2020\n');
  assert.equal(out.code, 0, out.stderr);
  const token = await server.cli(['token', 'create', '--user', email]);
  stranger = new ApiClient(server.url, { token: token.stdout.trim() });
  buyers = Object.fromEntries((await facilitator.call('GET', '/api/v1/buyers')).body.items.map((b) => [b.name, b.id]));
  for (const c of (await facilitator.call('GET', '/api/v1/contracts?limit=500')).body.items) ids[c.holder_name] = c.holder_organisation_id;
  facilitatorPage = await loginAs(server, 'facilitator');
  memberPage = await loginAs(server, 'member');
  adminPage = await loginAs(server, 'admin');
});
after(() => stopServer(server));

let serial = 0;
async function newContract(buyer = 'Nantes Métropole') {
  const res = await facilitator.call('POST', '/api/v1/contracts', {
    reference: `2021-PARTIES-${String(++serial).padStart(3, '0')}`, title: 'Nettoyage des piscines', sector: 'cleaning',
    clause_type: 'execution_condition', buyer_id: buyers[buyer], holder_organisation_id: ids['Propreté Atlantique'],
    amount: '480 000', notified_on: '2021-01-15', start_date: '2021-02-01', end_date: '2022-01-31',
    hours_mode: 'entered', required_hours: '1 200' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

test('the demo: subcontracting SIAE on contracts, and the 2020/2021 programme of Nantes Métropole', async () => {
  const programme = await facilitator.call('GET', `/api/v1/buyers/${buyers['Nantes Métropole']}/programme`);
  assert.equal(programme.status, 200, JSON.stringify(programme.body));
  assert.deepEqual(programme.body.years, [2021, 2020]);
  const titles = programme.body.items.map((i) => i.title);
  assert.ok(titles.includes('Comité de programmation des achats responsables 2021'), titles.join(' | '));
  const done = programme.body.items.find((i) => i.kind === 'planned_contract' && i.contract_id);
  assert.equal(done.status, 'done');
  const contract = await facilitator.call('GET', `/api/v1/contracts/${done.contract_id}`);
  assert.equal(contract.body.buyer_id, buyers['Nantes Métropole'], 'linked to a contract of that buyer');
  assert.equal(done.contract_reference, contract.body.reference);
  const only2020 = await facilitator.call('GET', `/api/v1/buyers/${buyers['Nantes Métropole']}/programme?year=2020`);
  assert.ok(only2020.body.items.length > 0);
  assert.ok(only2020.body.items.every((i) => i.year === 2020));
});

test('parties through the API: added once per role, French errors by field, removed by role', async () => {
  const c = await newContract();
  const path = `/api/v1/contracts/${c.id}/parties`;
  assert.deepEqual((await facilitator.call('GET', path)).body.items, []);
  const added = await facilitator.call('POST', path, { organisation_id: ids[DEMO.solipass], role: 'subcontractor' });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  assert.equal(added.body.organisation_name, 'Solipass');
  assert.equal(added.body.role_label, 'Sous-traitant');
  assert.equal((await facilitator.call('POST', path, { organisation_id: ids['Clair Nettoyage'], role: 'co_contractor' })).status, 201);

  let res = await facilitator.call('POST', path, { organisation_id: ids[DEMO.solipass], role: 'subcontractor' });
  assertProblem(res, 422);
  assert.equal(byField(res).organisation_id, 'Solipass est déjà sous-traitant de ce marché.');
  res = await facilitator.call('POST', path, { organisation_id: 987654321, role: 'subcontractor' });
  assertProblem(res, 422);
  assert.equal(byField(res).organisation_id, "Cette organisation n'existe pas dans l'annuaire.");
  res = await facilitator.call('POST', path, { organisation_id: ids[DEMO.solipass], role: 'mandataire' });
  assertProblem(res, 422);
  assert.equal(byField(res).role, 'Ce rôle n\'existe pas : choisissez cotraitant ou sous-traitant.');
  res = await facilitator.call('POST', path, { organisation_id: ids['Propreté Atlantique'], role: 'co_contractor' });
  assertProblem(res, 422);
  assert.equal(byField(res).organisation_id, 'Propreté Atlantique est le titulaire du marché : choisissez une autre organisation.');
  res = await facilitator.call('POST', path, { organisation_id: 'abc', role: '' });
  assertProblem(res, 422);
  assert.deepEqual(Object.keys(byField(res)).sort(), ['organisation_id', 'role']);
  assertProblem(await facilitator.call('POST', path, '{"organisation_id": '), 400);

  const list = (await facilitator.call('GET', path)).body.items;
  assert.deepEqual(list.map((p) => [p.organisation_name, p.role]), [['Clair Nettoyage', 'co_contractor'], ['Solipass', 'subcontractor']]);

  assertProblem(await facilitator.call('DELETE', `${path}/${ids[DEMO.solipass]}`), 422);
  assertProblem(await facilitator.call('DELETE', `${path}/${ids[DEMO.solipass]}?role=co_contractor`), 404);
  assert.equal((await facilitator.call('DELETE', `${path}/${ids[DEMO.solipass]}?role=subcontractor`)).status, 204);
  assertProblem(await facilitator.call('DELETE', `${path}/${ids[DEMO.solipass]}?role=subcontractor`), 404);
  assert.deepEqual((await facilitator.call('GET', path)).body.items.map((p) => p.organisation_name), ['Clair Nettoyage']);
});

test('the programme through the API: French amounts and dates, every error by field, nothing written on error', async () => {
  const buyer = buyers['Nantes Métropole Habitat'];
  const path = `/api/v1/buyers/${buyer}/programme`;
  const before = (await facilitator.call('GET', path)).body.items.length;
  const created = await facilitator.call('POST', path, {
    year: 2021, kind: 'planned_contract', title: 'Entretien des parties communes — secteur Malakoff', sector: 'cleaning',
    clause_type: 'execution_condition', planned_on: '15/03/2021', estimated_amount: '12 500,50' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.planned_on, '2021-03-15');
  assert.equal(created.body.estimated_amount_cents, 1250050);
  assert.equal(created.body.status, 'planned');
  const meeting = await facilitator.call('POST', path, {
    year: '2021', kind: 'meeting', title: 'Comité de programmation des achats responsables', planned_on: '2020-12-08',
    estimated_amount_cents: null, status: 'done' });
  assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
  assert.equal(meeting.body.estimated_amount_cents, null);

  let res = await facilitator.call('POST', path, {
    year: 'deux mille', kind: 'visite', title: '', planned_on: '32/13/2021', estimated_amount: '-5', status: 'fini' });
  assertProblem(res, 422);
  assert.deepEqual(byField(res), {
    year: "Cette année n'est pas valide : saisissez une année de 2000 à 2100 (exemple : 2021).",
    kind: "Ce type n'existe pas : choisissez marché prévu ou réunion.",
    title: "Saisissez l'objet du marché prévu.",
    planned_on: "Cette date n'est pas valide : saisissez-la au format JJ/MM/AAAA (exemple : 15/03/2021).",
    estimated_amount: 'Le montant estimé ne peut pas être négatif.',
    status: "Ce statut n'existe pas : choisissez prévu, réalisé ou abandonné.",
  });
  res = await facilitator.call('POST', path, { year: 2021, kind: 'planned_contract', title: 'X', estimated_amount_cents: '-100' });
  assertProblem(res, 422);
  assert.equal(byField(res).estimated_amount, 'Le montant estimé ne peut pas être négatif.');
  res = await facilitator.call('POST', path, { year: 2021, kind: 'planned_contract', title: 'X', estimated_amount_cents: 'douze' });
  assertProblem(res, 422);
  assert.equal(byField(res).estimated_amount_cents, 'Ce champ doit être un nombre entier de centimes.');
  // A contract of another buyer is refused, named.
  const cityContract = await newContract('Ville de Nantes');
  res = await facilitator.call('POST', path, { year: 2021, kind: 'planned_contract', title: 'X', contract_id: cityContract.id });
  assertProblem(res, 422);
  assert.equal(byField(res).contract_id, `Le marché ${cityContract.reference} est un marché de Ville de Nantes, pas de `
    + 'Nantes Métropole Habitat : choisissez un marché de cet acheteur.');
  assertProblem(await facilitator.call('POST', path, '{"year": 20'), 400);
  // Malformed UTF-8 in a title: a clear 4xx, nothing stored.
  const raw = await facilitator.request('POST', path, { body: Buffer.concat([
    Buffer.from('{"year": 2021, "kind": "meeting", "title": "R'), Buffer.from([0xff, 0xfe]), Buffer.from('union"}')]),
    headers: { 'content-type': 'application/json', accept: 'application/json' } });
  assert.ok(raw.status === 400 || raw.status === 422, `malformed UTF-8: ${raw.status}`);
  assert.equal(raw.headers.get('content-type'), 'application/problem+json');
  assertProblem(await facilitator.call('GET', `${path}?year=abc`), 422);
  assert.equal((await facilitator.call('GET', path)).body.items.length, before + 2, 'nothing written by the refused calls');

  // PATCH changes what is sent and keeps the rest; the link must be one of the buyer's contracts.
  const own = await newContract('Nantes Métropole Habitat');
  const item = `${path}/${created.body.id}`;
  res = await facilitator.call('PATCH', item, { status: 'done', contract_id: own.id });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'done');
  assert.equal(res.body.contract_reference, own.reference);
  assert.equal(res.body.estimated_amount_cents, 1250050, 'kept');
  assert.equal(res.body.planned_on, '2021-03-15', 'kept');
  res = await facilitator.call('PATCH', item, { contract_id: cityContract.id, estimated_amount: '1,234' });
  assertProblem(res, 422);
  assert.deepEqual(Object.keys(byField(res)).sort(), ['contract_id', 'estimated_amount']);
  res = await facilitator.call('PATCH', `${path}/${meeting.body.id}`, { contract_id: own.id });
  assertProblem(res, 422);
  assert.equal(byField(res).contract_id, 'Une réunion ne se relie pas à un marché : seul un marché prévu le peut.');
  assert.equal((await facilitator.call('GET', item)).body.contract_id, own.id, 'unchanged by the refused patch');
  // An item is reached through its own buyer only.
  assertProblem(await facilitator.call('GET', `/api/v1/buyers/${buyers['Ville de Nantes']}/programme/${created.body.id}`), 404);
  assertProblem(await facilitator.call('PATCH', `/api/v1/buyers/${buyers['Ville de Nantes']}/programme/${created.body.id}`,
    { status: 'dropped' }), 404);
});

test('scope and roles: another territory gets 404, a member or a partner 403, on parties and programme', async () => {
  const c = await newContract();
  await facilitator.call('POST', `/api/v1/contracts/${c.id}/parties`, { organisation_id: ids[DEMO.solipass], role: 'subcontractor' });
  const buyer = buyers['Nantes Métropole'];
  const item = (await facilitator.call('GET', `/api/v1/buyers/${buyer}/programme`)).body.items[0];
  const calls = [
    ['GET', `/api/v1/contracts/${c.id}/parties`],
    ['POST', `/api/v1/contracts/${c.id}/parties`, { organisation_id: ids[DEMO.solipass], role: 'co_contractor' }],
    ['DELETE', `/api/v1/contracts/${c.id}/parties/${ids[DEMO.solipass]}?role=subcontractor`],
    ['GET', `/api/v1/buyers/${buyer}/programme`],
    ['POST', `/api/v1/buyers/${buyer}/programme`, { year: 2021, kind: 'meeting', title: 'Réunion pirate' }],
    ['GET', `/api/v1/buyers/${buyer}/programme/${item.id}`],
    ['PATCH', `/api/v1/buyers/${buyer}/programme/${item.id}`, { status: 'dropped' }],
  ];
  for (const [method, path, body] of calls) {
    assertProblem(await stranger.call(method, path, body), 404);
    assertProblem(await member.call(method, path, body), 403);
    assertProblem(await partner.call(method, path, body), 403);
  }
  assert.deepEqual((await facilitator.call('GET', `/api/v1/contracts/${c.id}/parties`)).body.items.map((p) => p.role), ['subcontractor']);
  assert.equal((await facilitator.call('GET', `/api/v1/buyers/${buyer}/programme/${item.id}`)).body.status, item.status);
  // Pages too: 404 for the other territory's facilitator, 403 for a member.
  for (const path of [`/acheteurs/${buyer}`, `/acheteurs/${buyer}/programme/${item.id}/modifier`]) {
    assert.equal((await memberPage.get(path)).status, 403, path);
  }
  const strangerPage = await new ApiClient(server.url).signIn('facilitatrice.marseille@exemple.fr', 'Un-mot-de-passe-solide-2020');
  for (const path of [`/acheteurs/${buyer}`, `/acheteurs/${buyer}/programme/${item.id}/modifier`, `/marches/${c.id}`])
    assert.equal((await strangerPage.get(path)).status, 404, path);
  const post = await strangerPage.post(`/marches/${c.id}/cotraitants`,
    { form: { _csrf: strangerPage.csrfToken, organisation_id: String(ids[DEMO.solipass]), role: 'co_contractor' } });
  assert.equal(post.status, 404);
});

test('contract page: add a subcontractor, errors in French next to the field with the choice kept, then remove it', async () => {
  const c = await newContract();
  let html = await (await facilitatorPage.get(`/marches/${c.id}`)).text();
  assert.match(text(html), /Cotraitants et sous-traitants .* Organisation Rôle Action Aucun cotraitant ni sous-traitant enregistré pour ce marché\. Ajouter un cotraitant ou un sous-traitant/);
  assert.ok(!html.includes('id="party-form"'), 'the chooser of organisations comes only when asked for');
  html = await (await facilitatorPage.get(`/marches/${c.id}?ajouter=cotraitant`)).text();
  assert.match(html, /<form method="post" action="\/marches\/\d+\/cotraitants" class="form" novalidate id="party-form">/);
  assert.match(html, /<option value="\d+">Solipass \(ACI\)<\/option>/);
  const csrf = ApiClient.csrfOf(html);
  // No CSRF token: refused.
  let res = await facilitatorPage.post(`/marches/${c.id}/cotraitants`, { form: { organisation_id: String(ids[DEMO.solipass]), role: 'subcontractor' } });
  assert.equal(res.status, 403);
  res = await facilitatorPage.post(`/marches/${c.id}/cotraitants`,
    { form: { _csrf: csrf, organisation_id: String(ids[DEMO.solipass]), role: '' } });
  assert.equal(res.status, 422);
  html = await res.text();
  assert.equal(fieldError(html, 'role'), 'Choisissez le rôle : cotraitant ou sous-traitant.');
  assert.equal(selected(html, 'organisation_id'), String(ids[DEMO.solipass]), 'the organisation chosen is kept');
  res = await facilitatorPage.post(`/marches/${c.id}/cotraitants`,
    { form: { _csrf: csrf, organisation_id: String(ids[DEMO.solipass]), role: 'subcontractor' } });
  assert.equal(res.status, 303);
  html = await (await facilitatorPage.get(`/marches/${c.id}`)).text();
  assert.match(text(html), /Sous-traitant ajouté : Solipass\./);
  assert.match(text(html), /Solipass Sous-traitant Retirer/);
  res = await facilitatorPage.post(`/marches/${c.id}/cotraitants`,
    { form: { _csrf: csrf, organisation_id: String(ids[DEMO.solipass]), role: 'subcontractor' } });
  assert.equal(res.status, 422);
  assert.equal(fieldError(await res.text(), 'organisation_id'), 'Solipass est déjà sous-traitant de ce marché.');

  // The export lists the parties of each contract.
  const csv = Buffer.from(await (await facilitatorPage.get(`/marches/export.csv?q=${encodeURIComponent(c.reference)}`)).arrayBuffer())
    .subarray(3).toString('utf8').trim().split(/\r\n/);
  assert.match(csv[0], /;statut_depuis;heures_validees;cotraitants;sous_traitants$/);
  assert.equal(csv.length, 2);
  assert.match(csv[1], /;;Solipass$/);

  res = await facilitatorPage.post(`/marches/${c.id}/cotraitants/retirer`,
    { form: { _csrf: csrf, organisation_id: String(ids[DEMO.solipass]), role: 'subcontractor' } });
  assert.equal(res.status, 303);
  html = text(await (await facilitatorPage.get(`/marches/${c.id}`)).text());
  assert.match(html, /Sous-traitant retiré : Solipass\./);
  assert.match(html, /Aucun cotraitant ni sous-traitant/);
  // Both changes are in the audit journal.
  const journal = text(await (await adminPage.get('/admin/journal?utilisateur=facilitator%40demo.passerelle.fr')).text());
  assert.match(journal, /Sous-traitant ajouté : Solipass/);
  assert.match(journal, /Sous-traitant retiré : Solipass/);
});

test('buyer page: the programme by year, a refused item comes back with what was typed, then it is added and edited', async () => {
  const buyer = buyers['Nantes Métropole'];
  let res;
  let html = await (await facilitatorPage.get('/acheteurs')).text();
  assert.ok(html.includes(`href="/acheteurs/${buyer}"`), 'the buyers list links to the buyer page');
  html = await (await facilitatorPage.get(`/acheteurs/${buyer}`)).text();
  assert.match(text(html), /Programmation 2021 .* Programmation 2020/);
  assert.match(text(html), /08\/12\/2020 Réunion Comité de programmation des achats responsables 2021/);
  html = text(await (await facilitatorPage.get(`/acheteurs/${buyer}?annee=2021`)).text());
  assert.ok(!/Programmation 2020/.test(html), 'only 2021');
  res = await facilitatorPage.get(`/acheteurs/${buyer}?annee=vingt`);
  assert.equal(res.status, 200);
  assert.match(text(await res.text()), /Cette année n'est pas valide : choisissez-la dans la liste\./);

  html = await (await facilitatorPage.get(`/acheteurs/${buyer}`)).text();
  const csrf = ApiClient.csrfOf(html);
  const form = { _csrf: csrf, year: '2021', kind: 'planned_contract', title: 'Nettoyage des gymnases', sector: 'cleaning',
    clause_type: 'reserved', planned_on: '31/02/2021', estimated_amount: '-12 500,50', status: 'planned', contract_id: '', notes: '' };
  res = await facilitatorPage.post(`/acheteurs/${buyer}/programme`, { form });
  assert.equal(res.status, 422);
  html = await res.text();
  assert.equal(fieldError(html, 'planned_on'), "Cette date n'est pas valide : saisissez-la au format JJ/MM/AAAA (exemple : 15/03/2021).");
  assert.equal(fieldError(html, 'estimated_amount'), 'Le montant estimé ne peut pas être négatif.');
  assert.equal(inputValue(html, 'title'), 'Nettoyage des gymnases');
  assert.equal(inputValue(html, 'estimated_amount'), '-12 500,50');
  assert.equal(selected(html, 'clause_type'), 'reserved');

  res = await facilitatorPage.post(`/acheteurs/${buyer}/programme`, { form: { ...form, planned_on: '01/03/2021', estimated_amount: '12 500,50' } });
  assert.equal(res.status, 303);
  html = text(await (await facilitatorPage.get(`/acheteurs/${buyer}?annee=2021`)).text());
  assert.match(html, /Marché prévu ajouté à la programmation\./);
  assert.match(html, /01\/03\/2021 Marché prévu Nettoyage des gymnases Nettoyage Marché réservé \(SIAE\) 12 500,50 € Prévu/);

  const item = (await facilitator.call('GET', `/api/v1/buyers/${buyer}/programme?year=2021`)).body.items
    .find((i) => i.title === 'Nettoyage des gymnases');
  html = await (await facilitatorPage.get(`/acheteurs/${buyer}/programme/${item.id}/modifier`)).text();
  assert.equal(inputValue(html, 'planned_on'), '01/03/2021');
  assert.equal(inputValue(html, 'estimated_amount'), '12500,50');
  const other = await newContract('Ville de Nantes');
  res = await facilitatorPage.post(`/acheteurs/${buyer}/programme/${item.id}`,
    { form: { ...form, planned_on: '01/03/2021', estimated_amount: '12500,50', status: 'done', contract_id: String(other.id) } });
  assert.equal(res.status, 422);
  html = await res.text();
  assert.match(fieldError(html, 'contract_id'), /est un marché de Ville de Nantes, pas de Nantes Métropole/);
  assert.equal(selected(html, 'status'), 'done');
  const own = await newContract('Nantes Métropole');
  res = await facilitatorPage.post(`/acheteurs/${buyer}/programme/${item.id}`,
    { form: { ...form, planned_on: '01/03/2021', estimated_amount: '12500,50', status: 'done', contract_id: String(own.id) } });
  assert.equal(res.status, 303);
  html = await (await facilitatorPage.get(`/acheteurs/${buyer}?annee=2021`)).text();
  assert.ok(html.includes(`<a href="/marches/${own.id}">${own.reference}</a>`), 'linked to its contract');
  assert.match(text(html), /Nettoyage des gymnases .* Réalisé/);
  const journal = text(await (await adminPage.get('/admin/journal?utilisateur=facilitator%40demo.passerelle.fr')).text());
  assert.match(journal, /Nantes Métropole : Nettoyage des gymnases \(2021\), statut done/);
});

test('the contracts table import names the parties: unknown names are reported by line, the rest replaces them', async () => {
  const head = 'reference;acheteur;objet;lots;secteur;titulaire;montant;notification;debut;fin;type_clause;heures_exigees;'
    + 'part_main_oeuvre;taux_insertion;cout_horaire;statut;cotraitants;sous_traitants';
  const row = (ref, co, sub) => `${ref};Nantes Métropole;Nettoyage des piscines;;Nettoyage;Propreté Atlantique;480 000;`
    + `2021-01-15;2021-02-01;2022-01-31;Condition d'exécution;1 200;;;;;${co};${sub}`;
  const csv = [head, row('2021-IMPORT-001', 'Clair Nettoyage', '"Solipass; Association intermédiaire Erdre et Loire"'),
    row('2021-IMPORT-002', 'Nettoyage Fantôme SARL', '')].join('\r\n') + '\r\n';
  const res = await facilitator.request('POST', '/api/v1/contracts/import?commit=all',
    { body: csv, headers: { 'content-type': 'text/csv', accept: 'application/json' } });
  assert.equal(res.status, 422);
  const report = await res.json();
  assert.deepEqual(report.errors, [{ line: 3, message: 'cotraitants : « Nettoyage Fantôme SARL » n\'est pas dans l\'annuaire.' }]);
  assert.equal(report.imported, 0);
  const ok = await facilitator.request('POST', '/api/v1/contracts/import?commit=valid',
    { body: csv, headers: { 'content-type': 'text/csv', accept: 'application/json' } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).imported, 1);
  const c = (await facilitator.call('GET', '/api/v1/contracts?q=2021-IMPORT-001')).body.items[0];
  const parties = (await facilitator.call('GET', `/api/v1/contracts/${c.id}/parties`)).body.items;
  assert.deepEqual(parties.map((p) => [p.organisation_name, p.role]), [['Clair Nettoyage', 'co_contractor'],
    ['Association intermédiaire Erdre et Loire', 'subcontractor'], ['Solipass', 'subcontractor']]);
});

test('the OpenAPI document describes parties and programme', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  assert.deepEqual(Object.keys(doc.paths['/api/v1/contracts/{id}/parties']).sort(), ['get', 'post']);
  assert.ok(doc.paths['/api/v1/contracts/{id}/parties/{organisation_id}'].delete);
  assert.deepEqual(Object.keys(doc.paths['/api/v1/buyers/{id}/programme']).sort(), ['get', 'post']);
  assert.deepEqual(Object.keys(doc.paths['/api/v1/buyers/{id}/programme/{item_id}']).sort(), ['get', 'patch']);
});
