// Clauses API (issue 4): the demo contracts table of the Maison de l'emploi de
// Nantes (seed 003), access by role and by organisation, contracts with
// computed hours and status history, hours decided by the rule sets, the
// statement import's line report, a rule-set change with preview and recompute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { ApiClient, tokenClient, organisationIds, DEMO, stopServer } from '../support/api.mjs';

let server, facilitator, admin, referent, stranger, ids, buyers;

before(async () => {
  server = await startServer();
  facilitator = await tokenClient(server, 'facilitator');
  admin = await tokenClient(server, 'admin');
  referent = await tokenClient(server, 'referent');
  ids = await organisationIds(admin);
  // A facilitator of another territory (Délégation PACA).
  const email = 'facilitatrice.marseille@exemple.fr';
  const out = await server.cli(['user', 'add', email, '--name', 'Fanny Marseille', '--role', 'facilitator',
    '--org', String(ids[DEMO.paca]), '--password-stdin'], 'Un-mot-de-passe-solide-2020\n');
  assert.equal(out.code, 0, out.stderr);
  const token = await server.cli(['token', 'create', '--user', email]);
  assert.equal(token.code, 0, token.stderr);
  stranger = new ApiClient(server.url, { token: token.stdout.trim() });
  const res = await facilitator.call('GET', '/api/v1/buyers');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  buyers = Object.fromEntries(res.body.items.map((b) => [b.name, b.id]));
  // Holders are companies outside the network's tree: their ids come from the contracts.
  const contracts = await facilitator.call('GET', '/api/v1/contracts?limit=500');
  for (const c of contracts.body.items) ids[c.holder_name] = c.holder_organisation_id;
});
after(() => stopServer(server));

const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));

function assertProblem(res, status) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.type, 'application/problem+json');
  assert.equal(res.body.status, status);
}

async function newContract(reference, extra = {}) {
  const res = await facilitator.call('POST', '/api/v1/contracts', {
    reference, title: 'Rénovation de la médiathèque', sector: 'construction', clause_type: 'execution_condition',
    buyer_id: buyers['Ville de Nantes'], holder_organisation_id: ids["Bâtisseurs de l'Erdre"],
    amount: '1 000 000,00', notified_on: '2020-01-10', start_date: '2020-02-01', end_date: '2021-01-31',
    hours_mode: 'computed', labour_share: '40', insertion_rate: '5', hourly_cost: '25', ...extra,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

test('the demo table of seed 003: more than 900 active contracts, some suspended under ordinance 2020-319', async () => {
  const active = await facilitator.call('GET', '/api/v1/contracts?status=active&limit=1');
  assert.equal(active.status, 200, JSON.stringify(active.body));
  assert.ok(active.body.total > 900, `active contracts: ${active.body.total}`);
  const suspended = await facilitator.call('GET', '/api/v1/contracts?status=suspended&limit=5');
  assert.ok(suspended.body.total > 0);
  const c = suspended.body.items[0];
  assert.equal(c.sector, 'construction');
  const history = await facilitator.call('GET', `/api/v1/contracts/${c.id}/status-changes`);
  assert.equal(history.body.items[0].to_status, 'suspended');
  assert.equal(history.body.items[0].effective_on, '2020-03-17');
  assert.equal(history.body.items[0].legal_reference, 'ordonnance n° 2020-319 du 25 mars 2020');
  assert.ok(Object.keys(buyers).includes('Nantes Métropole Habitat'));
});

test('keyset pagination walks the filtered list without repeats', async () => {
  const seen = new Set();
  let after = '';
  let total = 0;
  for (let page = 0; page < 10; page++) {
    const res = await facilitator.call('GET', `/api/v1/contracts?sector=cleaning&limit=50${after ? '&after=' + after : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    total = res.body.total;
    for (const c of res.body.items) {
      assert.equal(c.sector, 'cleaning');
      assert.ok(!seen.has(c.id));
      seen.add(c.id);
    }
    if (!res.body.next) break;
    after = encodeURIComponent(res.body.next);
  }
  assert.equal(seen.size, total);
});

test('roles: a referent gets 403; another territory\'s facilitator gets 404 on our contract and sees none of ours', async () => {
  const c = await newContract('2020-API-0001');
  const forbidden = await referent.call('GET', '/api/v1/contracts');
  assertProblem(forbidden, 403);
  assertProblem(await referent.call('GET', `/api/v1/contracts/${c.id}`), 403);
  assertProblem(await stranger.call('GET', `/api/v1/contracts/${c.id}`), 404);
  assertProblem(await stranger.call('POST', `/api/v1/contracts/${c.id}/status-changes`,
    { transition: 'suspend', effective_on: '2020-03-17', reason: 'x' }), 404);
  const theirs = await stranger.call('GET', '/api/v1/contracts');
  assert.equal(theirs.status, 200);
  assert.equal(theirs.body.total, 0);
  // Our buyer is not theirs: creating a contract with it is refused, in French.
  const res = await stranger.call('POST', '/api/v1/contracts', {
    reference: 'X', title: 'X', sector: 'cleaning', clause_type: 'reserved', buyer_id: buyers['Ville de Nantes'],
    holder_organisation_id: ids["Bâtisseurs de l'Erdre"], amount: '1', notified_on: '2020-01-01', start_date: '2020-01-01',
    end_date: '2020-12-31', hours_mode: 'entered', required_hours: '10' });
  assertProblem(res, 422);
  assert.equal(byField(res).buyer_id, 'Cet acheteur public n\'existe pas dans votre périmètre.');
});

test('a contract with computed hours, then a dated status change with its legal reference', async () => {
  const c = await newContract('2020-API-0002');
  assert.equal(c.required_minutes, 800 * 60);
  assert.equal(c.required_hours_explanation,
    "1 000 000,00 € × 40 % (part de main-d'œuvre) × 5 % (taux d'insertion) ÷ 25,00 € (coût horaire) = 800 h");
  const change = await facilitator.call('POST', `/api/v1/contracts/${c.id}/status-changes`, {
    transition: 'suspend', effective_on: '2020-03-17', reason: 'Chantier arrêté', legal_reference: 'ordonnance n° 2020-319 du 25 mars 2020' });
  assert.equal(change.status, 201, JSON.stringify(change.body));
  assert.equal(change.body.status, 'suspended');
  const again = await facilitator.call('POST', `/api/v1/contracts/${c.id}/status-changes`, {
    transition: 'suspend', effective_on: '2020-03-18', reason: 'x' });
  assertProblem(again, 422);
  assert.equal(byField(again).transition, 'Un marché au statut « Suspendu » ne peut pas être suspendu.');
  const bad = await facilitator.call('POST', '/api/v1/contracts', { reference: '', amount: '-5', sector: 'mines', start_date: '2020-02-30' });
  assertProblem(bad, 422);
  const f = byField(bad);
  assert.equal(f.amount, 'Le montant ne peut pas être négatif.');
  assert.equal(f.sector, 'Ce secteur n\'existe pas.');
  assert.match(f.start_date, /n'est pas valide/);
});

test('bulk status change: all or nothing, with the refused contracts named', async () => {
  const a = await newContract('2020-API-0010');
  const b = await newContract('2020-API-0011');
  await facilitator.call('POST', `/api/v1/contracts/${b.id}/status-changes`, { transition: 'cancel', effective_on: '2020-02-15', reason: 'Résiliation' });
  const refused = await facilitator.call('POST', '/api/v1/contracts/status-changes',
    { contract_ids: [a.id, b.id], transition: 'suspend', effective_on: '2020-03-17', reason: 'Confinement' });
  assertProblem(refused, 422);
  assert.deepEqual(refused.body.refused.map((r) => r.reference), ['2020-API-0011']);
  assert.equal((await facilitator.call('GET', `/api/v1/contracts/${a.id}`)).body.status, 'active');
  const ok = await facilitator.call('POST', '/api/v1/contracts/status-changes',
    { contract_ids: [a.id], transition: 'suspend', effective_on: '2020-03-17', reason: 'Confinement' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.changed, 1);
});

test('hours are decided by the rule sets, and a "facilitator decides" entry is reviewed', async () => {
  const c = await newContract('2020-API-0020');
  const add = (situation, month, hours) => facilitator.call('POST', '/api/v1/insertion-hours', {
    contract_id: c.id, person_name: 'MARTIN Léa', month, hours, modality: 'direct_hire', situation, eligibility: 'rsa' });
  const telework = await add('telework', '2020-04', '120');
  assert.equal(telework.status, 201, JSON.stringify(telework.body));
  assert.equal(telework.body.decision, 'validated');
  assert.equal(telework.body.rule_set_name, "État d'urgence sanitaire 2020");
  assert.equal(telework.body.rule_set_version, 1);
  const sick = await add('sick_leave', '2020-04', '80');
  assert.equal(sick.body.decision, 'facilitator_decides');
  assert.equal(sick.body.review_status, 'pending');
  const tooMany = await add('worked', '2020-04', '230');
  assertProblem(tooMany, 422);
  assert.equal(byField(tooMany).hours, '230 h en avril 2020 : c\'est plus que les 220 h possibles dans le mois (10 h par jour ouvré).');
  const outside = await add('worked', '2021-06', '10');
  assertProblem(outside, 422);
  assert.match(byField(outside).month, /en dehors de l'exécution du marché/);

  let progress = (await facilitator.call('GET', `/api/v1/contracts/${c.id}/progress`)).body;
  assert.equal(progress.validated_minutes, 7200);
  assert.equal(progress.pending_minutes, 4800);
  const noReason = await facilitator.call('POST', `/api/v1/insertion-hours/${sick.body.id}/review`, { outcome: 'accepted', reason: '' });
  assertProblem(noReason, 422);
  const review = await facilitator.call('POST', `/api/v1/insertion-hours/${sick.body.id}/review`,
    { outcome: 'accepted', reason: 'Attestation de la CPAM reçue' });
  assert.equal(review.status, 200, JSON.stringify(review.body));
  assert.equal(review.body.counted, true);
  progress = (await facilitator.call('GET', `/api/v1/contracts/${c.id}/progress`)).body;
  assert.equal(progress.validated_minutes, 12000);
  assert.equal(progress.percent, 25);
  const entry = await facilitator.call('GET', `/api/v1/insertion-hours/${sick.body.id}`);
  assert.equal(entry.body.reviews[0].reason, 'Attestation de la CPAM reçue');
  assertProblem(await stranger.call('GET', `/api/v1/insertion-hours/${sick.body.id}`), 404);
});

test('hours linked to a participant followed outside the facilitator\'s scope: same answer as an unknown id', async () => {
  const c = await newContract('2020-API-0090');
  // A person followed by the PLIE de Paris: the Nantes facilitator must not learn that this id exists.
  const followed = await referent.call('GET', '/api/v1/participants?limit=1');
  assert.equal(followed.status, 200, JSON.stringify(followed.body));
  const outsider = followed.body.items[0].id;
  const add = (participant_id) => facilitator.call('POST', '/api/v1/insertion-hours', {
    contract_id: c.id, person_name: 'MARTIN Léa', participant_id, month: '2020-03', hours: '35',
    modality: 'direct_hire', situation: 'worked', eligibility: 'rsa' });
  const foreign = await add(outsider);
  const unknown = await add(99999999);
  assertProblem(foreign, 422);
  assertProblem(unknown, 422);
  assert.equal(byField(foreign).participant_id, "Cette personne n'est pas suivie dans Passerelle.");
  assert.deepEqual(foreign.body.errors, unknown.body.errors);
  const entries = await facilitator.call('GET', `/api/v1/contracts/${c.id}/progress`);
  assert.equal(entries.body.validated_minutes, 0);
});

test('statement import: a French reason per bad line, then only the valid lines when asked', async () => {
  await newContract('2020-API-0030');
  const csv = [
    'reference_marche;nom;mois;heures;modalite;situation;eligibilite;employeur',
    "2020-API-0030;DIALLO Moussa;2020-04;100;direct_hire;Télétravail;rsa;Bâtisseurs de l'Erdre",
    '2020-API-9999;SOW Awa;2020-04;80;direct_hire;worked;rsa;',
    '2020-API-0030;NGUYEN Thi;2020-04;300;direct_hire;worked;rsa;',
    '2020-API-0030;PETIT Jean;2019-12;20;direct_hire;worked;rsa;',
    '2020-API-0030;KONE Ali;2020-05;20;loterie;worked;rsa;',
  ].join('\n');
  const report = await facilitator.request('POST', '/api/v1/insertion-hours/import', { body: csv, headers: { 'content-type': 'text/csv' } });
  const body = await report.json();
  assert.equal(report.status, 200, JSON.stringify(body));
  assert.equal(body.lines, 5);
  assert.equal(body.valid, 1);
  assert.equal(body.imported, 0);  // a report only
  assert.deepEqual(body.errors.map((e) => e.line), [3, 4, 5, 6]);
  assert.equal(body.errors[0].message, 'reference_marche : aucun marché « 2020-API-9999 » dans votre périmètre.');
  assert.match(body.errors[1].message, /^heures : 300 h en avril 2020 : c'est plus que les 220 h possibles/);
  assert.match(body.errors[2].message, /^mois : Le mois de décembre 2019 est en dehors de l'exécution du marché/);
  assert.equal(body.errors[3].message, 'modalite : Cette modalité n\'existe pas.');
  const all = await facilitator.request('POST', '/api/v1/insertion-hours/import?commit=all', { body: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(all.status, 422);
  assert.equal((await all.json()).imported, 0);
  const valid = await facilitator.request('POST', '/api/v1/insertion-hours/import?commit=valid', { body: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal((await valid.json()).imported, 1);
  const c = (await facilitator.call('GET', '/api/v1/contracts?q=2020-API-0030')).body.items[0];
  const entries = (await facilitator.call('GET', `/api/v1/insertion-hours?contract_id=${c.id}`)).body.items;
  assert.deepEqual(entries.map((e) => [e.person_name, e.source, e.decision]), [['DIALLO Moussa', 'import', 'validated']]);
});

test('rule sets: only an administrator changes the dates; preview, then recompute of the affected entries', async () => {
  const sets = (await facilitator.call('GET', '/api/v1/rule-sets')).body.items;
  const covid = sets.find((s) => s.code === 'covid_2020' && s.current);
  assert.equal(covid.effective_from, '2020-03-12');
  assert.equal(covid.effective_to, '2020-07-23');
  assert.deepEqual(covid.rules.map((r) => [r.situation, r.decision]), [
    ['telework', 'validated'], ['childcare_leave', 'facilitator_decides'],
    ['sick_leave', 'facilitator_decides'], ['partial_unemployment', 'not_validated']]);
  assertProblem(await facilitator.call('POST', `/api/v1/rule-sets/${covid.id}/preview`, { effective_from: '2020-03-12', effective_to: '2020-04-30' }), 403);
  const bad = await admin.call('POST', `/api/v1/rule-sets/${covid.id}/preview`, { effective_from: '2020-03-12', effective_to: '2020-01-01' });
  assertProblem(bad, 422);
  assert.equal(byField(bad).effective_to, 'La fin d\'effet ne peut pas précéder le début.');

  // The emergency ends on 30 April: sick leave of May and June is no longer "facilitator decides".
  const preview = await admin.call('POST', `/api/v1/rule-sets/${covid.id}/preview`, { effective_from: '2020-03-12', effective_to: '2020-04-30' });
  assert.equal(preview.status, 200, JSON.stringify(preview.body));
  assert.equal(preview.body.next.version, 2);
  const p = preview.body.preview;
  assert.ok(p.decisions_changed > 0);
  assert.ok(p.changes.every((c) => c.month >= '2020-05'));
  // (An eligibility "on a partner's reasoned opinion" stays for the facilitator under the default set.)
  const sickMay = p.changes.filter((c) => c.month === '2020-05' && c.situation === 'sick_leave' && c.eligibility === 'rsa');
  assert.ok(sickMay.length > 0);
  assert.ok(sickMay.every((c) => c.from_decision === 'facilitator_decides' && c.to_decision === 'not_validated'));
  const changing = p.changes.filter((c) => c.from_decision !== c.to_decision).reduce((n, c) => n + c.entries, 0);
  assert.equal(changing, p.decisions_changed);

  const applied = await admin.call('POST', `/api/v1/rule-sets/${covid.id}/dates`, { effective_from: '2020-03-12', effective_to: '2020-04-30' });
  assert.equal(applied.status, 201, JSON.stringify(applied.body));
  assert.equal(applied.body.decisions_changed, p.decisions_changed);
  assert.equal(applied.body.rule_set.version, 2);
  const after = (await facilitator.call('GET', '/api/v1/rule-sets')).body.items;
  assert.equal(after.find((s) => s.id === covid.id).current, false);
  const pending = (await facilitator.call('GET', '/api/v1/insertion-hours?review_status=pending&limit=500')).body.items;
  assert.ok(pending.every((e) => !(e.situation === 'sick_leave' && e.month >= '2020-05' && e.eligibility !== 'partner_opinion')));
  // The retired version cannot be edited again; an unknown set is a 404.
  assertProblem(await admin.call('POST', `/api/v1/rule-sets/${covid.id}/dates`, { effective_from: '', effective_to: '' }), 422);
  assertProblem(await admin.call('POST', '/api/v1/rule-sets/999999/preview', { effective_from: '', effective_to: '' }), 404);
});

test('the OpenAPI document describes the clauses endpoints', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/buyers', '/api/v1/contracts', '/api/v1/contracts/{id}', '/api/v1/contracts/{id}/status-changes',
    '/api/v1/contracts/{id}/progress', '/api/v1/contracts/status-changes', '/api/v1/insertion-hours',
    '/api/v1/insertion-hours/import', '/api/v1/insertion-hours/{id}/review', '/api/v1/rule-sets', '/api/v1/rule-sets/{id}/preview',
    '/api/v1/clauses/dashboard'])
    assert.ok(doc.paths[p], p);
});

test('bad input gets a clear 4xx, never a 500', async () => {
  assertProblem(await facilitator.call('POST', '/api/v1/contracts', '{"reference": '), 400);
  let res = await facilitator.call('POST', '/api/v1/contracts', { amount_cents: '-', hourly_cost_cents: '99999999999999999999' });
  assertProblem(res, 422);
  assert.equal(byField(res).amount_cents, 'Ce champ doit être un nombre entier de centimes.');
  const c = (await facilitator.call('GET', '/api/v1/contracts?limit=1')).body.items[0];
  res = await facilitator.call('POST', '/api/v1/insertion-hours', { contract_id: c.id, minutes: '--', person_name: 'X', month: '2020-04',
    modality: 'direct_hire', situation: 'worked', eligibility: 'rsa' });
  assertProblem(res, 422);
  assertProblem(await facilitator.call('GET', '/api/v1/contracts?after=zz'), 400);
  assertProblem(await facilitator.call('GET', '/api/v1/contracts?limit=abc'), 400);
  assertProblem(await facilitator.call('GET', '/api/v1/contracts?status=perdu'), 422);
  assertProblem(await facilitator.call('GET', '/api/v1/insertion-hours'), 422);
  assertProblem(await facilitator.call('POST', '/api/v1/contracts/status-changes', { contract_ids: 'tous' }), 422);
  const notCsv = await facilitator.request('POST', '/api/v1/insertion-hours/import', { body: '"ouvert\n', headers: { 'content-type': 'text/csv' } });
  assert.equal(notCsv.status, 422);
});

test('a contract\'s hours page by keyset, filtered by month and situation; bad filters 422; others 403/404', async () => {
  // The demo contract with the most hours entries the facilitator sees.
  const contracts = (await facilitator.call('GET', '/api/v1/contracts?limit=100')).body.items;
  let best = null;
  for (const c of contracts) {
    const res = await facilitator.call('GET', `/api/v1/insertion-hours?contract_id=${c.id}&limit=1`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    if (!best || res.body.total > best.total) best = { id: c.id, total: res.body.total };
  }
  assert.ok(best.total >= 3, `a demo contract with several entries (${best.total})`);
  const whole = (await facilitator.call('GET', `/api/v1/insertion-hours?contract_id=${best.id}&limit=1000`)).body;
  assert.equal(whole.items.length, best.total);
  assert.equal(whole.next, null);
  const seen = [];
  let after = '';
  for (let i = 0; i < 100; i++) {
    const res = await facilitator.call('GET', `/api/v1/insertion-hours?contract_id=${best.id}&limit=2${after ? '&after=' + after : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.total, best.total);
    seen.push(...res.body.items.map((e) => e.id));
    if (!res.body.next) break;
    after = encodeURIComponent(res.body.next);
  }
  assert.deepEqual(seen, whole.items.map((e) => e.id), 'the pages walk the list in order, without repeats or gaps');
  const months = whole.items.map((e) => e.month);
  assert.deepEqual(months, [...months].sort().reverse(), 'newest month first');

  const month = whole.items[0].month;
  const inMonth = (await facilitator.call('GET', `/api/v1/insertion-hours?contract_id=${best.id}&month=${month}`)).body;
  assert.ok(inMonth.items.length > 0 && inMonth.items.every((e) => e.month === month));
  assert.equal(inMonth.total, whole.items.filter((e) => e.month === month).length);
  const situation = whole.items[0].situation;
  const inSituation = (await facilitator.call('GET', `/api/v1/insertion-hours?contract_id=${best.id}&situation=${situation}`)).body;
  assert.equal(inSituation.total, whole.items.filter((e) => e.situation === situation).length);

  const bad = await facilitator.call('GET', `/api/v1/insertion-hours?contract_id=${best.id}&month=2024-3&situation=vacances&after=abc`);
  assertProblem(bad, 422);
  const fields = Object.fromEntries(bad.body.errors.map((e) => [e.field, e.message]));
  assert.equal(fields.month, "Le mois s'écrit AAAA-MM (par exemple 2024-03).");
  assert.equal(fields.situation, 'Situation inconnue.');
  assert.equal(fields.after, 'Le curseur « after » n\'est pas valide.');
  assert.equal((await stranger.call('GET', `/api/v1/insertion-hours?contract_id=${best.id}`)).status, 404);
  assert.equal((await referent.call('GET', `/api/v1/insertion-hours?contract_id=${best.id}`)).status, 403);
});
