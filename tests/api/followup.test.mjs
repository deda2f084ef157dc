// Follow-up API (issue 3): dashboard of the demo PLIE (seed 003), the
// referent's "À contacter" list, access by role and by organisation,
// sensitive difficulties, bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { ApiClient, tokenClient, organisationIds, validSiret, DEMO, stopServer } from '../support/api.mjs';

const FROM = '2020-03-17', TO = '2020-04-15';
const COLLEAGUE = 'aurelie.marchetti@plie-paris.demo.passerelle.fr';  // another referent of the PLIE (demo)

let server, admin, supervisor, referent, colleague, ids, me, plieProgramme, inclusionProgramme;

async function tokenFor(email) {
  const out = await server.cli(['token', 'create', '--user', email]);
  assert.equal(out.code, 0, out.stderr);
  return new ApiClient(server.url, { token: out.stdout.trim() });
}

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');
  supervisor = await tokenClient(server, 'supervisor');
  referent = await tokenClient(server, 'referent');
  colleague = await tokenFor(COLLEAGUE);
  ids = await organisationIds(admin);
  const due = await referent.call('GET', '/api/v1/followup/due');
  assert.equal(due.status, 200, JSON.stringify(due.body));
  me = due.body.referent_id;
  const programmes = await referent.call('GET', '/api/v1/programmes');
  assert.equal(programmes.status, 200);
  plieProgramme = programmes.body.items.find((p) => p.kind === 'plie');
  inclusionProgramme = programmes.body.items.find((p) => p.kind === 'inclusion100');
});
after(() => stopServer(server));

const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
const nowMinus = (minutes) => new Date(Date.now() - minutes * 60000).toISOString().replace(/\.\d+Z$/, 'Z');

function assertProblem(res, status) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.type, 'application/problem+json');
  assert.equal(res.body.status, status);
}

async function allParticipants(client, query) {
  const items = [];
  let after = '';
  for (let page = 0; page < 100; page++) {
    const res = await client.call('GET', `/api/v1/participants?${query}&limit=200${after ? '&after=' + encodeURIComponent(after) : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    items.push(...res.body.items);
    if (!res.body.next) return items;
    after = res.body.next;
  }
  throw new Error('pagination never ended');
}

test('the demo programmes of the PLIE de Paris: PLIE every 15 days, 100 % Inclusion with its promos', () => {
  assert.equal(plieProgramme.cadence_days, 15);
  assert.equal(plieProgramme.max_duration_months, 36);
  assert.ok(plieProgramme.phases.some((p) => /remobilisation/i.test(p.name)));
  assert.equal(plieProgramme.organisation_name, DEMO.plie);
  assert.deepEqual(inclusionProgramme.cohorts.map((c) => c.name), ['promo 1', 'promo 2']);
  assert.equal(inclusionProgramme.cadence_days, 1);
});

test('dashboard of the PLIE de Paris, 17 March – 15 April 2020: the figures of seed 003, from the data', async () => {
  const res = await supervisor.call('GET', `/api/v1/followup/dashboard?from=${FROM}&to=${TO}&organisation_id=${ids[DEMO.plie]}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const d = res.body;
  // Seed 003: "2.240 personnes sont en suivis", "3.835 … contact … entre le 17 mars et le 15 avril".
  assert.equal(d.followed, 2240);
  assert.equal(d.interactions, 3835);
  // "Avec environ 20% du public, le contact n'a pas lieu": the generator leaves 448 people unreached.
  assert.equal(d.followed_not_reached, 448);
  assert.equal(d.shares.not_reached, 20);
  // "Environ 50% du public n'est pas en capacité de communiquer par mail": 900 of 1 800 assessed.
  assert.equal(d.assessed, 1800);
  assert.equal(d.unable_to_email, 900);
  assert.equal(d.shares.unable_to_email, 50);
  assert.equal(d.entries, 45);
  assert.equal(d.exits, 38);
  assert.equal(d.positive_exits, 17);
  assert.ok(d.people_reached >= 2240 - 448, 'everyone else was reached');
  const kinds = Object.fromEntries(d.difficulties_by_kind.map((k) => [k.kind, k.people]));
  for (const kind of ['food', 'rights', 'health', 'psychological', 'domestic_violence', 'job_taking', 'stuck_abroad'])
    assert.ok(kinds[kind] > 0, `difficulty of the seed: ${kind}`);
  assert.ok(kinds.rights > kinds.domestic_violence, 'plausible proportions');
  // The PLIE programme alone: the 15 "100 % Inclusion" people are PLIE participants too.
  const plie = await supervisor.call('GET', `/api/v1/followup/dashboard?from=${FROM}&to=${TO}&programme_id=${plieProgramme.id}`);
  assert.equal(plie.body.followed, 2240);
  assert.equal(plie.body.interactions, 3835);
  const inclusion = await supervisor.call('GET', `/api/v1/followup/dashboard?from=${FROM}&to=${TO}&programme_id=${inclusionProgramme.id}`);
  assert.equal(inclusion.body.followed, 15);
  assert.equal(inclusion.body.followed_not_reached, 0, 'daily contact');
});

test("a referent's dashboard matches what the API lists of their people say", async () => {
  const people = await allParticipants(referent, `referent_id=${me}`);
  assert.ok(people.length >= 60 && people.length <= 85, `a referent follows about 70 people (${people.length})`);
  let followed = 0, contacts = 0, notReached = 0;
  for (const p of people) {
    const enrolments = (await referent.call('GET', `/api/v1/enrolments?participant_id=${p.id}`)).body.items
      .filter((e) => e.referent_id === me);
    const active = enrolments.some((e) => e.entry_date <= TO && (!e.exit_date || e.exit_date > TO));
    const during = enrolments.some((e) => e.entry_date <= TO && (!e.exit_date || e.exit_date >= FROM));
    const interactions = (await referent.call('GET', `/api/v1/interactions?participant_id=${p.id}`)).body.items
      .filter((i) => i.on >= FROM && i.on <= TO);
    if (during) contacts += interactions.length;
    if (active) {
      followed += 1;
      if (!interactions.some((i) => i.reached)) notReached += 1;
    }
  }
  const res = await referent.call('GET', `/api/v1/followup/dashboard?from=${FROM}&to=${TO}&referent_id=${me}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.followed, followed);
  assert.equal(res.body.interactions, contacts);
  assert.equal(res.body.followed_not_reached, notReached);
  assert.ok(notReached > 0 && notReached < followed / 2, `some not reached (${notReached} of ${followed})`);
});

test("the referent's due list: a failed attempt keeps the person, a reached contact removes them", async () => {
  const due = await referent.call('GET', '/api/v1/followup/due');
  assert.equal(due.status, 200);
  assert.ok(due.body.items.length > 30, 'the people not contacted since 2020 are due');
  assert.equal(due.body.total, due.body.items.length);
  const statuses = new Set(due.body.items.map((i) => i.status));
  for (const s of statuses) assert.ok(['overdue', 'due_today', 'never_contacted', 'unreachable'].includes(s), s);
  const person = due.body.items.find((i) => i.status === 'overdue') || due.body.items[0];

  const failed = await referent.call('POST', '/api/v1/interactions', {
    participant_id: person.participant_id, at: nowMinus(5), channel: 'phone', outcome: 'no_answer',
  });
  assert.equal(failed.status, 201, JSON.stringify(failed.body));
  assert.equal(failed.body.reached, false);
  let again = await referent.call('GET', '/api/v1/followup/due');
  const still = again.body.items.find((i) => i.enrolment_id === person.enrolment_id);
  assert.ok(still, 'a failed attempt keeps the person on the list');
  assert.ok(still.failed_streak >= 1);

  const reached = await referent.call('POST', '/api/v1/interactions', {
    participant_id: person.participant_id, at: nowMinus(2), channel: 'phone', outcome: 'reached', level: 2,
    notes: 'CV envoyé.',
  });
  assert.equal(reached.status, 201, JSON.stringify(reached.body));
  assert.equal(reached.body.reached, true);
  const enrolment = reached.body.enrolments.find((e) => e.id === person.enrolment_id);
  assert.equal(enrolment.due_today, false);
  assert.equal(enrolment.failed_streak, 0);
  again = await referent.call('GET', '/api/v1/followup/due');
  assert.ok(!again.body.items.some((i) => i.enrolment_id === person.enrolment_id), 'reached: off the list');
  assert.equal(again.body.total, due.body.total - 1);

  // The supervisor sees the referent's list; the colleague may not.
  const bySupervisor = await supervisor.call('GET', `/api/v1/followup/due?referent=${me}`);
  assert.equal(bySupervisor.status, 200);
  assert.equal(bySupervisor.body.total, again.body.total);
  assertProblem(await colleague.call('GET', `/api/v1/followup/due?referent=${me}`), 403);
  assertProblem(await supervisor.call('GET', '/api/v1/followup/due?referent=abc'), 400);
});

test('only referents and supervisors use the follow-up API: others get 403', async () => {
  for (const role of ['partner', 'network', 'member', 'admin', 'facilitator']) {
    const client = await tokenClient(server, role);
    for (const path of ['/api/v1/participants', '/api/v1/followup/due', `/api/v1/followup/dashboard?from=${FROM}&to=${TO}`]) {
      const res = await client.call('GET', path);
      assertProblem(res, 403);
    }
  }
  const anonymous = await new ApiClient(server.url).call('GET', '/api/v1/participants');
  assert.equal(anonymous.status, 401);
});

const personBody = (extra = {}) => ({
  first_name: 'Aïssatou', last_name: 'Konaté-Diallo', birth_date: '1988-06-14', gender: 'female',
  phone: '06 98 76 54 32', postcode: '75019', commune: 'Paris', languages: 'français, peul',
  labour_status: 'unemployed_long_term', education_level: 'level_3', housing: 'hosted', benefits: ['rsa'],
  rqth: false, qpv: true, consent: true, consent_date: '2024-01-15', ...extra,
});

let otherOrg, otherReferent, otherSupervisor, otherPerson;

test('another organisation: its participants are 404 for the PLIE de Paris, and the other way round', async () => {
  const org = await admin.call('POST', '/api/v1/organisations', {
    name: 'PLIE Lyon Métropole', kind: 'plie', siret: validSiret(), address: '24 rue Étienne-Rognon', postcode: '69007',
    commune: 'Lyon', parent_id: ids[DEMO.federation],
  });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  otherOrg = org.body.id;
  for (const [email, role] of [['referente@plie-lyon.test', 'referent'], ['superviseur@plie-lyon.test', 'supervisor']]) {
    const out = await server.cli(['user', 'add', email, '--name', role === 'referent' ? 'Lina Lyon' : 'Sam Lyon',
      '--role', role, '--org', String(otherOrg), '--password-stdin'], 'un-mot-de-passe-solide\n');
    assert.equal(out.code, 0, out.stderr + out.stdout);
  }
  otherReferent = await tokenFor('referente@plie-lyon.test');
  otherSupervisor = await tokenFor('superviseur@plie-lyon.test');
  const created = await otherReferent.call('POST', '/api/v1/participants', personBody({ last_name: 'Berthier', first_name: 'Louis', gender: 'male' }));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.organisation_id, otherOrg);
  otherPerson = created.body.id;

  for (const client of [referent, supervisor])
    assertProblem(await client.call('GET', `/api/v1/participants/${otherPerson}`), 404);
  assertProblem(await referent.call('GET', `/api/v1/interactions?participant_id=${otherPerson}`), 404);
  assertProblem(await referent.call('GET', `/api/v1/difficulties?participant_id=${otherPerson}`), 404);
  assertProblem(await referent.call('PATCH', `/api/v1/participants/${otherPerson}`, { phone: '06 00 00 00 00' }), 404);
  const logged = await referent.call('POST', '/api/v1/interactions', {
    participant_id: otherPerson, at: nowMinus(1), channel: 'phone', outcome: 'reached', level: 1,
  });
  assertProblem(logged, 422);
  assert.match(byField(logged).participant_id, /introuvable/);

  const mine = await otherReferent.call('GET', '/api/v1/participants');
  assert.deepEqual(mine.body.items.map((p) => p.id), [otherPerson]);
  const paris = await referent.call('GET', `/api/v1/participants?referent_id=${me}&limit=1`);
  assertProblem(await otherReferent.call('GET', `/api/v1/participants/${paris.body.items[0].id}`), 404);
  const dash = await otherSupervisor.call('GET', `/api/v1/followup/dashboard?from=${FROM}&to=${TO}`);
  assert.equal(dash.body.followed, 0, 'the PLIE de Paris is not in Lyon\'s dashboard');
});

test('sensitive difficulties: for the referent and the supervisor only, each read audited', async () => {
  // A person of the referent with a sensitive difficulty in the demo data, found through the API.
  const people = await allParticipants(referent, `referent_id=${me}`);
  let person = null, seen = null;
  for (const p of people) {
    const res = await referent.call('GET', `/api/v1/difficulties?participant_id=${p.id}`);
    assert.equal(res.status, 200);
    if (res.body.items.some((d) => d.sensitive)) { person = p; seen = res.body; break; }
  }
  assert.ok(person, 'the demo has sensitive difficulties among the referent\'s people');
  assert.equal(seen.sensitive_included, true);

  const bySupervisor = await supervisor.call('GET', `/api/v1/difficulties?participant_id=${person.id}`);
  assert.equal(bySupervisor.status, 200);
  assert.deepEqual(bySupervisor.body.items.map((d) => d.id), seen.items.map((d) => d.id));

  const byColleague = await colleague.call('GET', `/api/v1/difficulties?participant_id=${person.id}`);
  assert.equal(byColleague.status, 200, 'a colleague of the same PLIE sees the person…');
  assert.equal(byColleague.body.sensitive_included, false);
  assert.ok(!byColleague.body.items.some((d) => d.sensitive), '…but not the sensitive difficulties');
  assert.deepEqual(byColleague.body.items.map((d) => d.id), seen.items.filter((d) => !d.sensitive).map((d) => d.id));
  for (const d of seen.items.filter((x) => x.sensitive))
    assert.ok(!JSON.stringify(byColleague.body).includes(`"id":${d.id},`));
  // The supervisor of another organisation does not even see the person.
  assertProblem(await otherSupervisor.call('GET', `/api/v1/difficulties?participant_id=${person.id}`), 404);
  // A colleague cannot add one either.
  const added = await colleague.call('POST', '/api/v1/difficulties', {
    participant_id: person.id, kind: 'health', identified_on: '2024-02-01',
  });
  assertProblem(added, 422);
  assert.match(byField(added).kind, /référent/);
  // The referent adds one; it is returned to them.
  const mineAdded = await referent.call('POST', '/api/v1/difficulties', {
    participant_id: person.id, kind: 'psychological', identified_on: '2024-02-01', notes: 'Isolement',
  });
  assert.equal(mineAdded.status, 201, JSON.stringify(mineAdded.body));
  assert.equal(mineAdded.body.sensitive, true);

  // Every read of sensitive difficulties is in the journal.
  const page = await new ApiClient(server.url).signIn('admin@demo.passerelle.fr');
  const journal = await (await page.get('/admin/journal?action=read_sensitive')).text();
  assert.ok(journal.includes(person.last_name), 'the read is audited with the person');
  assert.match(journal, /referent@demo\.passerelle\.fr/);
  assert.match(journal, /supervisor@demo\.passerelle\.fr/);
  assert.ok(!journal.includes(COLLEAGUE), 'the colleague read nothing sensitive');
});

test('creating a participant: likely duplicate refused with 409 unless confirmed; PATCH merges', async () => {
  const first = await referent.call('POST', '/api/v1/participants', personBody());
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.headers.get('location'), `/api/v1/participants/${first.body.id}`);
  assert.equal(first.body.organisation_name, DEMO.plie);
  const dup = await referent.call('POST', '/api/v1/participants', personBody({ first_name: 'aissatou', last_name: 'Konate Diallo' }));
  assertProblem(dup, 409);
  assert.deepEqual(dup.body.duplicates.map((d) => d.id), [first.body.id]);
  assert.equal(dup.body.duplicates[0].href, `/api/v1/participants/${first.body.id}`);
  const confirmed = await referent.call('POST', '/api/v1/participants', personBody({ confirm_duplicate: true }));
  assert.equal(confirmed.status, 201);
  const patched = await referent.call('PATCH', `/api/v1/participants/${first.body.id}`, { phone: '07 11 22 33 44' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.phone, '07 11 22 33 44');
  assert.equal(patched.body.last_name, 'Konaté-Diallo', 'the other fields are kept');
  const bad = await referent.call('POST', '/api/v1/participants', personBody({ first_name: '', consent: false, birth_date: '1988-02-30' }));
  assertProblem(bad, 422);
  const f = byField(bad);
  assert.equal(f.first_name, 'Le prénom est obligatoire.');
  assert.match(f.consent, /consentement/);
  assert.ok(f.birth_date);
});

test('enrolments: enrol, transfer to a colleague, exit; history kept', async () => {
  const person = await referent.call('POST', '/api/v1/participants', personBody({ first_name: 'Noé', last_name: 'Parcours', gender: 'male', birth_date: '1979-03-02' }));
  assert.equal(person.status, 201);
  const colleagueId = (await colleague.call('GET', '/api/v1/followup/due')).body.referent_id;
  const enrolled = await referent.call('POST', '/api/v1/enrolments', {
    participant_id: person.body.id, programme_id: plieProgramme.id, referent_id: me, entry_date: '2024-01-15',
  });
  assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
  assert.equal(enrolled.headers.get('location'), `/api/v1/enrolments/${enrolled.body.id}`);
  assert.equal(enrolled.body.status, 'active');
  assert.equal(enrolled.body.next_due_on, '2024-01-15', 'never contacted: due from the entry date');
  const id = enrolled.body.id;

  const transferred = await referent.call('POST', `/api/v1/enrolments/${id}/transfer`, { referent_id: colleagueId, reason: 'Congé' });
  assert.equal(transferred.status, 200, JSON.stringify(transferred.body));
  assert.equal(transferred.body.referent_id, colleagueId);
  assert.ok(transferred.body.history.some((h) => h.kind === 'transfer' && h.to === String(colleagueId)));

  const exited = await referent.call('POST', `/api/v1/enrolments/${id}/status`, {
    transition: 'exit', exit_date: '2024-06-30', exit_outcome: 'employment_6m', reason: 'CDI à temps plein',
  });
  assert.equal(exited.status, 200, JSON.stringify(exited.body));
  assert.equal(exited.body.status, 'exited');
  assert.equal(exited.body.positive_exit, true);
  assert.deepEqual(exited.body.history.map((h) => h.kind), ['status', 'transfer', 'status']);
  const list = await referent.call('GET', `/api/v1/enrolments?participant_id=${person.body.id}`);
  assert.deepEqual(list.body.items.map((e) => e.id), [id]);
  assertProblem(await otherReferent.call('GET', `/api/v1/enrolments/${id}`), 404);
});

test('bad input: French problem+json, never a 500', async () => {
  const people = await allParticipants(referent, `referent_id=${me}&status=active`);
  const person = people[0];
  // A contact in the future.
  const future = new Date(Date.now() + 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  let res = await referent.call('POST', '/api/v1/interactions', { participant_id: person.id, at: future, channel: 'phone', outcome: 'reached', level: 1 });
  assertProblem(res, 422);
  assert.equal(byField(res).at, 'Un échange ne peut pas être daté dans le futur.');
  res = await referent.call('POST', '/api/v1/interactions', { participant_id: person.id, at: 'hier', channel: 'pigeon', outcome: 'reached' });
  assertProblem(res, 422);
  assert.deepEqual(Object.keys(byField(res)).sort(), ['at', 'channel', 'level']);

  // An exit before the entry.
  const enrolment = person.enrolments.find((e) => e.programme_id === plieProgramme.id);
  const full = (await referent.call('GET', `/api/v1/enrolments/${enrolment.id}`)).body;
  res = await referent.call('POST', `/api/v1/enrolments/${enrolment.id}/status`, {
    transition: 'exit', exit_date: '2010-01-01', exit_outcome: 'moved',
  });
  assertProblem(res, 422);
  assert.equal(byField(res).exit_date, 'La date de sortie ne peut pas précéder la date d\'entrée.');
  assert.equal((await referent.call('GET', `/api/v1/enrolments/${enrolment.id}`)).body.status, full.status, 'nothing changed');

  // An unknown referent: a partner's account, an id that does not exist.
  const partnerId = await (async () => {
    const p = await tokenClient(server, 'partner');
    return (await p.call('GET', '/api/v1/followup/due')).status;  // 403: the partner is no referent
  })();
  assert.equal(partnerId, 403);
  const fresh = await referent.call('POST', '/api/v1/participants', personBody({ first_name: 'Inès', last_name: 'Sansréférent', birth_date: '1991-09-09' }));
  for (const referentId of [999999, me + 100000]) {
    res = await referent.call('POST', '/api/v1/enrolments', {
      participant_id: fresh.body.id, programme_id: plieProgramme.id, referent_id: referentId, entry_date: '2024-01-15',
    });
    assertProblem(res, 422);
    assert.match(byField(res).referent_id, /référent·e/);
  }
  res = await referent.call('POST', `/api/v1/enrolments/${enrolment.id}/transfer`, { referent_id: 999999 });
  assertProblem(res, 422);
  assert.match(byField(res).referent_id, /référent·e/);
  res = await referent.call('POST', '/api/v1/enrolments', { participant_id: fresh.body.id, programme_id: plieProgramme.id, referent_id: me, entry_date: '2024-02-30' });
  assertProblem(res, 422);
  assert.ok(byField(res).entry_date);

  // Dashboard dates.
  for (const [query, field] of [
    ['from=2020-02-30&to=2020-04-15', 'from'], ['from=17/03/2020&to=2020-04-15', 'from'],
    ['from=2020-04-15&to=2020-03-17', 'to'], ['to=2020-04-15', 'from'], ['from=2020-03-17', 'to'],
  ]) {
    res = await supervisor.call('GET', `/api/v1/followup/dashboard?${query}`);
    assertProblem(res, 422);
    assert.ok(byField(res)[field], `${query}: ${JSON.stringify(res.body)}`);
    assert.match(byField(res)[field], /date|période/);
  }
  assertProblem(await supervisor.call('GET', `/api/v1/followup/dashboard?from=${FROM}&to=${TO}&programme_id=abc`), 400);
  assertProblem(await referent.call('GET', '/api/v1/participants?limit=x'), 400);
  assertProblem(await referent.call('GET', '/api/v1/participants?after=zz.qq'), 400);
  assertProblem(await referent.call('GET', '/api/v1/participants?status=joyeux'), 400);
  assertProblem(await referent.call('GET', '/api/v1/interactions'), 400);
  assertProblem(await referent.call('GET', '/api/v1/participants/abc'), 404);
  res = await referent.call('POST', '/api/v1/interactions', '{"participant_id": ');
  assertProblem(res, 400);
});

test('the OpenAPI document describes the follow-up endpoints', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/participants', '/api/v1/participants/{id}', '/api/v1/enrolments', '/api/v1/enrolments/{id}/status',
    '/api/v1/enrolments/{id}/transfer', '/api/v1/interactions', '/api/v1/difficulties', '/api/v1/followup/due',
    '/api/v1/followup/dashboard'])
    assert.ok(doc.paths[p], p);
  assert.ok(doc.components.schemas.Dashboard.properties.followed_not_reached);
});
