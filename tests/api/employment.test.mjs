// Employment API (issue 4, seed 003 "Accompagnement Clauses"): the demo's
// figures counted from the rows, access by role and by organisation, the
// partner's narrow view, consent before any push, French problem+json, ranked
// accent-insensitive search of the CV library, CV files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { ApiClient, tokenClient, loginAs, organisationIds, stopServer } from '../support/api.mjs';

const MDE = "Maison de l'emploi de Nantes";
const OUTSIDER = 'facilitatrice.marseille@test.passerelle.fr';

let server, facilitator, partner, admin, referent, outsider, ids;

async function all(client, path) {
  const items = [];
  let before = '';
  for (let page = 0; page < 50; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await client.call('GET', `${path}${sep}limit=200${before ? '&before=' + before : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    items.push(...res.body.items);
    if (!res.body.next) return items;
    before = res.body.next;
  }
  throw new Error('pagination never ended');
}

function assertProblem(res, status) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.type, 'application/problem+json');
  assert.equal(res.body.status, status);
}
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));

before(async () => {
  server = await startServer();
  facilitator = await tokenClient(server, 'facilitator');
  partner = await tokenClient(server, 'partner');
  admin = await tokenClient(server, 'admin');
  referent = await tokenClient(server, 'referent');
  ids = await organisationIds(admin);
  const r = await server.cli(['user', 'add', OUTSIDER, '--name', 'Fanny Ailleurs', '--role', 'facilitator', '--org',
    String(ids['Mission locale de Marseille']), '--password-stdin'], 'un-mot-de-passe-solide-2020\n');
  assert.equal(r.code, 0, r.stderr);
  const t = await server.cli(['token', 'create', '--user', OUTSIDER]);
  assert.equal(t.code, 0, t.stderr);
  outsider = new ApiClient(server.url, { token: t.stdout.trim() });
});
after(() => stopServer(server));

test("seed 003's figures are counted from the demo rows", async () => {
  const offers = await all(facilitator, '/api/v1/offers');
  const processed = offers.filter((o) => ['open', 'filled', 'closed'].includes(o.status));
  assert.equal(processed.length, 13, '13 offres traitées');
  assert.equal(offers.reduce((n, o) => n + o.hires, 0), 4, '4 embauches réalisées');
  const positionings = await all(facilitator, '/api/v1/positionings');
  assert.equal(positionings.filter((p) => p.state === 'hired').length, 4);
  assert.equal(positionings.filter((p) => p.partner_kind !== 'facilitator').length, 50, '≈ 50 orientations par les partenaires');
  const inProgress = new Set(positionings.filter((p) => ['proposed', 'sent_to_employer', 'interview'].includes(p.state) && p.offer_id)
    .map((p) => p.offer_id));
  const workStudyPosts = offers.filter((o) => inProgress.has(o.id) && ['apprenticeship', 'professionalisation'].includes(o.contract_type))
    .reduce((n, o) => n + o.positions, 0);
  assert.equal(workStudyPosts, 9, 'positionnements en cours sur 9 postes en alternance');
  const library = await facilitator.call('GET', '/api/v1/cv-profiles?limit=1');
  assert.ok(library.body.total > 100, `+100 profils (${library.body.total})`);
  const kinds = new Set(positionings.map((p) => p.partner_kind_label));
  for (const k of ['Mission locale', 'École de la deuxième chance (E2C)', 'Association pour l\'emploi des réfugiés',
    'France Travail — équipe IAE', 'Cap emploi']) assert.ok(kinds.has(k), k);
});

test("the employment dashboard computes seed 003's figures for spring 2020", async () => {
  const res = await facilitator.request('GET', '/emploi/tableau-de-bord?du=2019-09-01&au=2020-04-15');
  assert.equal(res.status, 200);
  const html = await res.text();
  const figure = (label) => {
    const m = html.match(new RegExp(`<th scope="row">${label}</th><td>(\\d+)</td>`));
    assert.ok(m, label);
    return Number(m[1]);
  };
  assert.equal(figure('Offres traitées'), 13);
  assert.equal(figure('Embauches réalisées'), 4);
  assert.equal(figure('Postes en alternance concernés par des positionnements en cours'), 9);
  assert.equal(figure('Orientations par les partenaires'), 50);
  assert.equal(figure('Profils dans la CVthèque \\(fin de période\\)'), 112);
  assert.match(html, /data-chart="bar"/);
  // An earlier period counts fewer rows: the figures come from the data.
  const early = await (await facilitator.request('GET', '/emploi/tableau-de-bord?du=2019-09-01&au=2019-11-30')).text();
  const hiresEarly = Number(early.match(/<th scope="row">Embauches réalisées<\/th><td>(\d+)<\/td>/)[1]);
  assert.ok(hiresEarly > 0 && hiresEarly < 4, `hires before December 2019: ${hiresEarly}`);
  const csv = await facilitator.request('GET', '/emploi/tableau-de-bord/export.csv?du=2019-09-01&au=2020-04-15');
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM');
  const text = bytes.toString('utf8', 3);
  assert.ok(text.startsWith('indicateur;detail;valeur'));
  assert.match(text, /Orientations par partenaire;Mission locale;14/);
  assertProblem(await partner.call('GET', '/emploi/tableau-de-bord'), 403);
  // Without dates, the period starts at the first profile of the caller's own CV library:
  // the demo's for its facilitator, today for a facilitator elsewhere (no profile there).
  const from = async (client) => (await (await client.request('GET', '/emploi/tableau-de-bord')).text())
    .match(/name="du" type="date" value="([0-9-]+)"/)[1];
  assert.match(await from(facilitator), /^20(19|20)-\d\d-\d\d$/);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  assert.equal(await from(outsider), today);
});

test('another organisation gets 404 on every employment record, and empty lists', async () => {
  const offer = (await facilitator.call('GET', '/api/v1/offers?limit=1')).body.items[0];
  const profile = (await facilitator.call('GET', '/api/v1/cv-profiles?limit=1')).body.items[0];
  const positioning = (await facilitator.call('GET', '/api/v1/positionings?limit=1')).body.items[0];
  for (const path of [`/api/v1/offers/${offer.id}`, `/api/v1/cv-profiles/${profile.id}`,
    `/api/v1/positionings/${positioning.id}`, '/api/v1/offers/999999']) {
    assertProblem(await outsider.call('GET', path), 404);
  }
  assertProblem(await outsider.call('PATCH', `/api/v1/offers/${offer.id}`, { status: 'cancelled' }), 404);
  assertProblem(await outsider.call('POST', `/api/v1/positionings/${positioning.id}/transitions`, { transition: 'withdraw' }), 404);
  assert.equal((await outsider.call('GET', '/api/v1/offers')).body.items.length, 0);
  assert.equal((await outsider.call('GET', '/api/v1/cv-profiles')).body.total, 0);
  assert.equal((await outsider.call('GET', '/api/v1/positionings')).body.items.length, 0);
  // …and cannot position one of the MDE's candidates.
  const res = await outsider.call('POST', '/api/v1/positionings', { profile_id: profile.id, offer_id: offer.id, partner_kind: 'facilitator' });
  assertProblem(res, 422);
  assert.equal(byField(res).profile_id, 'Profil introuvable.');
  // The administrator at the root sees them.
  assert.equal((await admin.call('GET', `/api/v1/offers/${offer.id}`)).status, 200);
});

test('403 without the role; a partner cannot manage offers or move positionings', async () => {
  for (const path of ['/api/v1/offers', '/api/v1/cv-profiles', '/api/v1/positionings', '/api/v1/rome-codes']) {
    const res = await referent.call('GET', path);
    assertProblem(res, 403);
    assert.match(res.body.detail, /rôle/);
  }
  const open = (await partner.call('GET', '/api/v1/offers')).body.items;
  assert.ok(open.length >= 5 && open.every((o) => o.status === 'open'), 'the partner reads the open offers');
  assertProblem(await partner.call('POST', '/api/v1/offers', { title: 'x' }), 403);
  assertProblem(await partner.call('PATCH', `/api/v1/offers/${open[0].id}`, { status: 'closed' }), 403);
  const mine = (await partner.call('GET', '/api/v1/positionings')).body.items;
  assertProblem(await partner.call('POST', `/api/v1/positionings/${mine[0].id}/transitions`, { transition: 'withdraw' }), 403);
});

test('a partner sees only the positionings they made, with their outcome', async () => {
  const mine = await all(partner, '/api/v1/positionings');
  assert.equal(mine.length, 11, 'the 11 orientations of the France Travail IAE team');
  assert.ok(mine.every((p) => p.created_by_name === 'Pauline Partenaire'));
  assert.ok(mine.every((p) => p.partner_kind === 'france_travail_iae'));
  assert.ok(mine.some((p) => p.state !== 'proposed'), 'their outcome is visible');
  const everything = await all(facilitator, '/api/v1/positionings');
  const notMine = everything.find((p) => p.created_by_name !== 'Pauline Partenaire');
  assertProblem(await partner.call('GET', `/api/v1/positionings/${notMine.id}`), 404);
  const someone = everything.find((p) => p.created_by_name !== 'Pauline Partenaire');
  assertProblem(await partner.call('GET', `/api/v1/cv-profiles/${someone.profile_id}`), 404);

  // She recommends a profile to the MDE's CV library and orients it on an open offer.
  const profile = await partner.call('POST', '/api/v1/cv-profiles', {
    organisation_id: ids[MDE], first_name: 'Mariam', last_name: 'Soumaré', target_trades: ['K2204'],
    consent: true, consent_date: '2020-04-10', recommended_contact: 'Pauline, 01 40 00 00 00',
  });
  assert.equal(profile.status, 201, JSON.stringify(profile.body));
  assert.equal(profile.body.recommended_by_name, 'France Travail Paris 11e');
  const offer = (await partner.call('GET', '/api/v1/offers?contract_type=cddi')).body.items[0];
  const made = await partner.call('POST', '/api/v1/positionings', { profile_id: profile.body.id, offer_id: offer.id });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.partner_kind, 'france_travail_iae');
  assert.equal(made.body.state, 'proposed');
  // The facilitator moves it; she sees the outcome.
  const moved = await facilitator.call('POST', `/api/v1/positionings/${made.body.id}/transitions`, { transition: 'send' });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.equal((await partner.call('GET', `/api/v1/positionings/${made.body.id}`)).body.state_label, "Transmis à l'employeur");
  // A push without an offer is the facilitator's.
  const push = await partner.call('POST', '/api/v1/positionings', { profile_id: profile.body.id, employer_id: offer.employer_id });
  assertProblem(push, 422);
  assert.equal(byField(push).offer_id, "Choisissez l'offre sur laquelle vous orientez le candidat.");
});

test('no consent: the profile is never pushed to a company (French error)', async () => {
  const created = await facilitator.call('POST', '/api/v1/cv-profiles', {
    first_name: 'Nina', last_name: 'Sansaccord', target_trades: ['G1602'],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.may_show_to_company, false);
  const offers = (await facilitator.call('GET', '/api/v1/offers?status=open')).body.items;
  for (const body of [{ offer_id: offers[0].id }, { employer_id: offers[0].employer_id }]) {
    const res = await facilitator.call('POST', '/api/v1/positionings', { profile_id: created.body.id, partner_kind: 'facilitator', ...body });
    assertProblem(res, 422);
    assert.match(byField(res).profile_id, /consentement/);
  }
  const none = await facilitator.call('GET', `/api/v1/positionings?profile_id=${created.body.id}`);
  assert.equal(none.body.items.length, 0);
  // Once consent is recorded, the push goes through.
  const ok = await facilitator.call('PATCH', `/api/v1/cv-profiles/${created.body.id}`, { consent: true, consent_date: '2020-04-14' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const push = await facilitator.call('POST', '/api/v1/positionings', { profile_id: created.body.id, employer_id: offers[0].employer_id, partner_kind: 'facilitator' });
  assert.equal(push.status, 201, JSON.stringify(push.body));
  assert.equal(push.body.offer_id, null);
});

test('a profile names only a participant followed in its organisation: one followed elsewhere answers like an unknown id', async () => {
  // A person followed by the PLIE de Paris, outside the Maison de l'emploi de Nantes.
  const followed = await referent.call('GET', '/api/v1/participants?limit=1');
  assert.equal(followed.status, 200, JSON.stringify(followed.body));
  const create = (participant_id) => facilitator.call('POST', '/api/v1/cv-profiles', {
    first_name: 'Inès', last_name: 'Ailleurs', target_trades: ['G1602'], participant_id });
  const foreign = await create(followed.body.items[0].id);
  const unknown = await create(99999999);
  assertProblem(foreign, 422);
  assertProblem(unknown, 422);
  assert.equal(byField(foreign).participant_id, 'Participant introuvable.');
  assert.deepEqual(foreign.body.errors, unknown.body.errors);
  const profile = await facilitator.call('POST', '/api/v1/cv-profiles', { first_name: 'Inès', last_name: 'Ailleurs', target_trades: ['G1602'] });
  assert.equal(profile.status, 201, JSON.stringify(profile.body));
  const update = await facilitator.call('PATCH', `/api/v1/cv-profiles/${profile.body.id}`, { participant_id: followed.body.items[0].id });
  assertProblem(update, 422);
  assert.equal(byField(update).participant_id, 'Participant introuvable.');
});

test('bad input: problem+json listing every field in French', async () => {
  const res = await facilitator.call('POST', '/api/v1/offers', {
    employer_id: 'abc', title: '', rome_code: 'Z9999', contract_type: 'stage', weekly_minutes: 4000,
    positions: 0, start_date: '2020-02-30', status: 'open',
  });
  assertProblem(res, 422);
  const f = byField(res);
  assert.equal(f.title, "Indiquez l'intitulé du poste.");
  assert.match(f.rome_code, /lettre et quatre chiffres/);
  assert.equal(f.contract_type, 'Choisissez un type de contrat de la liste.');
  assert.match(f.weekly_hours, /48 heures/);
  assert.match(f.positions, /entre 1 et 999/);
  assert.match(f.start_date, /Date invalide/);
  const unknown = await facilitator.call('POST', '/api/v1/offers', { rome_code: 'F9999' });
  assert.equal(byField(unknown).rome_code, 'Le code ROME F9999 ne figure pas dans le référentiel.');
  const hire = await facilitator.call('GET', '/api/v1/positionings?state=interview&limit=1');
  const bad = await facilitator.call('POST', `/api/v1/positionings/${hire.body.items[0].id}/transitions`, { transition: 'hire' });
  assertProblem(bad, 422);
  assert.equal(byField(bad).start_date, 'Indiquez la date de début du contrat.');
  const date = await facilitator.call('GET', '/api/v1/cv-profiles?available_before=demain');
  assertProblem(date, 400);
  const notJson = await facilitator.request('POST', '/api/v1/offers', { body: '{', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.status, 400);
  // The linked public contract must be one of the territory's: an unknown number is refused, nothing saved.
  const offer = (await facilitator.call('GET', '/api/v1/offers?limit=1')).body.items[0];
  const before = (await facilitator.call('GET', `/api/v1/offers/${offer.id}`)).body;
  const noContract = await facilitator.call('PATCH', `/api/v1/offers/${offer.id}`, { contract_id: 999999, title: 'Autre intitulé' });
  assertProblem(noContract, 422);
  assert.equal(byField(noContract).contract_id,
    'Aucun marché public n° 999999 dans votre périmètre : vérifiez le numéro sur la fiche du marché, ou laissez ce champ vide.');
  assert.equal((await facilitator.call('GET', `/api/v1/offers/${offer.id}`)).body.title, before.title);
  const contract = (await facilitator.call('GET', '/api/v1/contracts?limit=1')).body.items[0];
  const linked = await facilitator.call('PATCH', `/api/v1/offers/${offer.id}`, { contract_id: contract.id });
  assert.equal(linked.status, 200, JSON.stringify(linked.body));
  assert.equal(linked.body.contract_id, contract.id);
  const facilitatorPage = await loginAs(server, 'facilitator');
  const page = await (await facilitatorPage.get(`/offres/${offer.id}`)).text();
  assert.ok(page.includes(`<a href="/marches/${contract.id}">${contract.reference}</a> (n° ${contract.id})`), 'the offer links to its contract');
});

test('CV library search: accent-insensitive, trade matches ranked first, filters, CV file', async () => {
  // Created first (lower id): without ranking, the second one would come first.
  const cook = await facilitator.call('POST', '/api/v1/cv-profiles', {
    first_name: 'Léon', last_name: 'Quéméneur', commune: 'Quimperlé', department: '29', target_trades: ['G1602'],
    consent: true, consent_date: '2020-04-01', driving_licence: true,
  });
  const cleaner = await facilitator.call('POST', '/api/v1/cv-profiles', {
    first_name: 'Léa', last_name: 'Quéméneur', commune: 'Quimperlé', department: '29', target_trades: ['K2204'],
    skills: 'Aide en cuisine', consent: true, consent_date: '2020-04-01',
  });
  assert.equal(cook.status, 201);
  assert.equal(cleaner.status, 201);
  const res = await facilitator.call('GET', '/api/v1/cv-profiles?q=' + encodeURIComponent('CUISINE quimperle'));
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.items.map((p) => p.first_name), ['Léon', 'Léa']);
  assert.ok(res.body.items[0].rank > res.body.items[1].rank);
  const filtered = await facilitator.call('GET', '/api/v1/cv-profiles?q=quemeneur&department=29&licence=1');
  assert.deepEqual(filtered.body.items.map((p) => p.first_name), ['Léon']);
  const byTrade = await facilitator.call('GET', '/api/v1/cv-profiles?q=quemeneur&trade=K2204');
  assert.deepEqual(byTrade.body.items.map((p) => p.first_name), ['Léa']);
  // Pagination by cursor.
  const page1 = await facilitator.call('GET', '/api/v1/cv-profiles?q=cuisine&limit=5');
  const page2 = await facilitator.call('GET', `/api/v1/cv-profiles?q=cuisine&limit=5&after=${page1.body.next}`);
  assert.equal(page2.status, 200);
  const seen = new Set(page1.body.items.map((p) => p.id));
  assert.ok(page2.body.items.every((p) => !seen.has(p.id)));
  // CV: PDF only.
  const pdf = Buffer.from('%PDF-1.4\n% CV de Léon\n%%EOF\n');
  const up = await facilitator.request('PUT', `/api/v1/cv-profiles/${cook.body.id}/cv?filename=cv-leon.pdf`,
    { body: pdf, headers: { 'content-type': 'application/pdf', accept: 'application/json' } });
  assert.equal(up.status, 200, await up.text());
  const word = await facilitator.request('PUT', `/api/v1/cv-profiles/${cook.body.id}/cv`,
    { body: Buffer.from('PK\x03\x04 docx'), headers: { 'content-type': 'application/octet-stream', accept: 'application/json' } });
  assert.equal(word.status, 422);
  assert.match((await word.json()).errors[0].message, /PDF/);
  const back = await facilitator.request('GET', `/api/v1/cv-profiles/${cook.body.id}/cv`);
  assert.equal(back.status, 200);
  assert.equal(back.headers.get('content-type'), 'application/pdf');
  assert.deepEqual(Buffer.from(await back.arrayBuffer()), pdf);
  assertProblem(await outsider.call('GET', `/api/v1/cv-profiles/${cook.body.id}/cv`), 404);
});

test('a hire records contract type, start and weekly hours, with the history', async () => {
  const g = (await facilitator.call('GET', '/api/v1/positionings?state=interview&limit=1')).body.items[0];
  const res = await facilitator.call('POST', `/api/v1/positionings/${g.id}/transitions`, {
    transition: 'hire', contract_type: 'apprenticeship', start_date: '2020-09-01', weekly_minutes: 2100, note: 'Contrat signé',
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.hire, { contract_type: 'apprenticeship', start_date: '2020-09-01', weekly_minutes: 2100 });
  const last = res.body.history.at(-1);
  assert.equal(last.transition, 'hire');
  assert.equal(last.from_state, 'interview');
  assert.equal(last.to_state, 'hired');
  assert.equal(last.note, 'Contrat signé');
  assert.deepEqual(res.body.transitions, []);
  const again = await facilitator.call('POST', `/api/v1/positionings/${g.id}/transitions`, { transition: 'withdraw' });
  assertProblem(again, 422);
  assert.match(byField(again).transition, /Impossible depuis l'état « Embauché·e »/);
});

test('the OpenAPI document describes the employment API', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/offers', '/api/v1/offers/{id}', '/api/v1/cv-profiles', '/api/v1/cv-profiles/{id}/cv',
    '/api/v1/positionings', '/api/v1/positionings/{id}/transitions']) assert.ok(doc.paths[p], p);
});
