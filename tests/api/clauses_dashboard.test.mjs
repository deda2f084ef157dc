// Clauses dashboard (issue 4): contracts by status on the period's last day,
// hours by modality and by situation for the months of the period, in the
// caller's territory only; the API and the page with its CSV/XLSX exports.
// The figures are checked against entries created here in a year of their own
// (2031, where the demo has nothing) and against the contracts list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, loginAs, tokenClient, organisationIds, DEMO, stopServer } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

let server, facilitator, referent, stranger, facilitatorPage, referentPage, strangerPage, contract;
const entries = [];

const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const byField = (res) => Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
const dashboard = (client, from, to) => client.call('GET', `/api/v1/clauses/dashboard?from=${from}&to=${to}`);

function assertProblem(res, status) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.type, 'application/problem+json');
}

// Sums of the entries by a key, as the dashboard should give them.
function sums(key) {
  const out = {};
  for (const e of entries) {
    const t = (out[e[key]] ??= { entries: 0, minutes: 0, counted_minutes: 0 });
    t.entries += 1;
    t.minutes += e.minutes;
    t.counted_minutes += e.counted ? e.minutes : 0;
  }
  return out;
}

before(async () => {
  server = await startServer();
  facilitator = await tokenClient(server, 'facilitator');
  referent = await tokenClient(server, 'referent');
  const admin = await tokenClient(server, 'admin');
  const ids = await organisationIds(admin);
  // A facilitator of another territory (Délégation PACA), by token and by session.
  const email = 'facilitatrice.marseille@exemple.fr';
  const password = 'Un-mot-de-passe-solide-2020';
  const out = await server.cli(['user', 'add', email, '--name', 'Fanny Marseille', '--role', 'facilitator',
    '--org', String(ids[DEMO.paca]), '--password-stdin'], password + '\n');
  assert.equal(out.code, 0, out.stderr);
  const token = await server.cli(['token', 'create', '--user', email]);
  stranger = new ApiClient(server.url, { token: token.stdout.trim() });
  strangerPage = await new ApiClient(server.url).signIn(email, password);
  facilitatorPage = await loginAs(server, 'facilitator');
  referentPage = await loginAs(server, 'referent');

  const buyers = (await facilitator.call('GET', '/api/v1/buyers')).body.items;
  const holder = (await facilitator.call('GET', '/api/v1/contracts?limit=1')).body.items[0].holder_organisation_id;
  const created = await facilitator.call('POST', '/api/v1/contracts', {
    reference: 'TDB-2031-01', title: 'Entretien des espaces verts', sector: 'green_spaces', clause_type: 'execution_condition',
    buyer_id: buyers[0].id, holder_organisation_id: holder, amount: '500 000', notified_on: '2030-12-01',
    start_date: '2031-01-01', end_date: '2031-12-31', hours_mode: 'entered', required_hours: '1200' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  contract = created.body;
  const lines = [
    ['MARTIN Léa', '2031-03', 'direct_hire', 'worked', '120'],
    ['DIALLO Moussa', '2031-03', 'temporary_etti', 'worked', '80'],
    ['SOW Awa', '2031-04', 'direct_hire', 'childcare_leave', '35'],
    ['KONE Ali', '2031-04', 'apprenticeship', 'partial_unemployment', '20,5'],
    ['MARTIN Léa', '2031-05', 'direct_hire', 'paid_leave', '14'],
  ];
  for (const [person_name, month, modality, situation, hours] of lines) {
    const res = await facilitator.call('POST', '/api/v1/insertion-hours',
      { contract_id: contract.id, person_name, month, hours, modality, situation, eligibility: 'rsa' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    entries.push(res.body);
  }
  // Hours of a month after the period asked below: not counted in it.
  const july = await facilitator.call('POST', '/api/v1/insertion-hours', { contract_id: contract.id, person_name: 'SOW Awa',
    month: '2031-07', hours: '60', modality: 'direct_hire', situation: 'worked', eligibility: 'rsa' });
  assert.equal(july.status, 201, JSON.stringify(july.body));
  const suspended = await facilitator.call('POST', `/api/v1/contracts/${contract.id}/status-changes`,
    { transition: 'suspend', effective_on: '2031-06-01', reason: 'Intempéries' });
  assert.equal(suspended.status, 201, JSON.stringify(suspended.body));
});
after(() => stopServer(server));

test('the API counts the hours of the months of the period by modality and by situation', async () => {
  const res = await dashboard(facilitator, '2031-03-01', '2031-05-31');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const d = res.body;
  assert.equal(d.entries, entries.length);
  assert.equal(d.minutes, entries.reduce((n, e) => n + e.minutes, 0));
  assert.equal(d.counted_minutes, entries.reduce((n, e) => n + (e.counted ? e.minutes : 0), 0));
  assert.equal(d.pending_minutes, entries.reduce((n, e) => n + (e.review_status === 'pending' ? e.minutes : 0), 0));
  assert.ok(d.pending_minutes > 0 && d.counted_minutes < d.minutes, 'the rules decided some of them otherwise');
  for (const [key, list] of [['modality', d.hours_by_modality], ['situation', d.hours_by_situation]]) {
    const expected = sums(key);
    assert.deepEqual(list.map((h) => h[key]).sort(), Object.keys(expected).sort());
    for (const h of list) {
      const { entries: n, minutes, counted_minutes } = expected[h[key]];
      assert.deepEqual({ n: h.entries, minutes: h.minutes, counted: h.counted_minutes }, { n, minutes, counted: counted_minutes }, h[key]);
      assert.ok(h.label.length > 0 && h.label !== h[key], 'a French label');
    }
  }
  assert.equal(d.hours_by_modality.find((h) => h.modality === 'temporary_etti').label, 'Intérim d\'insertion (ETTI)');
  // The July entry is outside the period.
  assert.equal((await dashboard(facilitator, '2031-07-01', '2031-07-31')).body.minutes, 60 * 60);
});

test('contracts are counted by their status on the last day of the period, from the dated history', async () => {
  const before = (await dashboard(facilitator, '2031-03-01', '2031-05-31')).body;
  assert.deepEqual(before.contracts_by_status, [{ status: 'active', label: 'Actif', contracts: 1 }]);
  assert.equal(before.contracts, 1);
  assert.equal(before.required_minutes, contract.required_minutes);
  const afterChange = (await dashboard(facilitator, '2031-03-01', '2031-06-30')).body;
  assert.deepEqual(afterChange.contracts_by_status, [{ status: 'suspended', label: 'Suspendu', contracts: 1 }]);
  // Up to today, every demo contract in execution by its current status: the contracts list gives the same counts.
  const today = new Date().toISOString().slice(0, 10);
  const all = (await dashboard(facilitator, '2000-01-01', today)).body;
  const active = all.contracts_by_status.find((s) => s.status === 'active');
  assert.ok(active.contracts > 900, `more than 900 active contracts (seed 003): ${active.contracts}`);
  // (The list also has the 2031 contract, not yet started today.)
  const ours = (await facilitator.call('GET', `/api/v1/contracts/${contract.id}`)).body.status;
  for (const s of all.contracts_by_status) {
    const list = await facilitator.call('GET', `/api/v1/contracts?status=${s.status}&limit=1`);
    assert.equal(s.contracts, list.body.total - (s.status === ours ? 1 : 0), s.status);
  }
  assert.equal(all.contracts, all.contracts_by_status.reduce((n, s) => n + s.contracts, 0));
});

test('another territory sees none of these figures; a referent is refused; no session is a 401', async () => {
  const theirs = (await dashboard(stranger, '2000-01-01', '2031-12-31')).body;
  const theirContracts = (await stranger.call('GET', '/api/v1/contracts?limit=1')).body.total;
  assert.equal(theirs.contracts, theirContracts);
  assert.equal(theirs.minutes, 0);
  assert.ok((await dashboard(facilitator, '2000-01-01', '2031-12-31')).body.contracts > theirs.contracts);
  assertProblem(await dashboard(referent, '2031-01-01', '2031-12-31'), 403);
  const anonymous = await fetch(`${server.url}/api/v1/clauses/dashboard?from=2031-01-01&to=2031-12-31`);
  assert.equal(anonymous.status, 401);
});

test('bad dates get a French 422 naming the parameter', async () => {
  let res = await facilitator.call('GET', '/api/v1/clauses/dashboard');
  assertProblem(res, 422);
  assert.equal(byField(res).from, 'Indiquez le début de la période (from=AAAA-MM-JJ).');
  assert.equal(byField(res).to, 'Indiquez la fin de la période (to=AAAA-MM-JJ).');
  res = await dashboard(facilitator, '2031-02-30', '2031-13-01');
  assertProblem(res, 422);
  assert.match(byField(res).from, /^Cette date n'est pas valide/);
  assert.match(byField(res).to, /^Cette date n'est pas valide/);
  res = await dashboard(facilitator, '2031-06-01', '2031-05-01');
  assertProblem(res, 422);
  assert.equal(byField(res).to, 'La fin de la période ne peut pas précéder son début.');
});

test('the page shows the same figures with French dates, charts and CSV/XLSX exports', async () => {
  const res = await facilitatorPage.get('/marches/tableau-de-bord?du=2031-03-01&au=2031-05-31');
  assert.equal(res.status, 200);
  const html = await res.text();
  const page = text(html);
  assert.match(page, /Du 01\/03\/2031 au 31\/05\/2031/);
  assert.match(page, /selon leur statut au 31\/05\/2031/);
  assert.match(page, /Actif 1/);
  assert.match(page, /Intérim d'insertion \(ETTI\) 1 80 h 80 h/);
  assert.match(page, /Chômage partiel 1 20 h 30 0 h/);
  assert.match(html, /<canvas data-chart="bar" data-labels="\[&quot;Embauche directe&quot;/);
  assert.match(html, /<script src="\/static\/chart.umd.js" defer><\/script>/);
  assert.match(await (await facilitatorPage.get('/marches')).text(), /href="\/marches\/tableau-de-bord"/);

  const csv = await facilitatorPage.get('/marches/tableau-de-bord/export.csv?du=2031-03-01&au=2031-05-31');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const lines = Buffer.from(await csv.arrayBuffer()).subarray(3).toString('utf8').trim().split(/\r\n/);
  assert.equal(lines[0], 'indicateur;detail;valeur;heures_declarees;heures_validees');
  assert.ok(lines.includes('Marchés par statut (fin de période);Actif;1;;'), lines.join('\n'));
  assert.ok(lines.includes('Heures par situation;Chômage partiel;1;"20,50";0'), lines.join('\n'));
  const xlsx = await facilitatorPage.get('/marches/tableau-de-bord/export.xlsx?du=2031-03-01&au=2031-05-31');
  assert.equal(xlsx.status, 200);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');

  // Another territory's page: no contract, no hours of ours.
  const theirs = text(await (await strangerPage.get('/marches/tableau-de-bord?du=2031-01-01&au=2031-12-31')).text());
  assert.match(theirs, /Aucun marché en exécution sur la période/);
  assert.ok(!/Embauche directe/.test(theirs));
  assert.equal((await referentPage.get('/marches/tableau-de-bord')).status, 403);
});

test('bad dates on the page are reported in French next to their field; the default period is shown', async () => {
  const res = await facilitatorPage.get('/marches/tableau-de-bord?du=2031-02-30&au=demain');
  assert.equal(res.status, 200);
  const html = unescape(await res.text());
  assert.match(html, /id="e-du">Cette date n'est pas valide/);
  assert.match(html, /id="e-au">Cette date n'est pas valide/);
  assert.match(html, /aria-invalid="true"/);
  // Today in Paris, as the server counts days (UTC is a day behind from 22:00 or 23:00 UTC).
  const today = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date());
  assert.match(text(html), new RegExp(`au ${today}`));
  const reversed = await (await facilitatorPage.get('/marches/tableau-de-bord?du=2031-06-01&au=2031-05-01')).text();
  assert.match(unescape(reversed), /La fin de la période ne peut pas précéder son début/);
});
