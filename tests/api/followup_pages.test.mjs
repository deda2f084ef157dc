// Follow-up pages (issue 3) submitted as a browser would, through a
// cookie-keeping client: GET the participant file or the programmes page,
// take its CSRF token, POST the form, follow the redirect and read what the
// user sees (flash, the new row, the French error next to its field with the
// typed values kept). Also: other organisation → 404, no CSRF → 403 and
// nothing saved, every write in the audit journal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { ApiClient, loginAs, tokenClient, organisationIds, validSiret, DEMO, stopServer } from '../support/api.mjs';

const COLLEAGUE_NAME = 'Aurélie Marchetti';
const OTHER_PASSWORD = 'un-mot-de-passe-solide';

let server, api, adminApi, ids, me, plie, inclusion, referentPage, supervisorPage;

// ---- Helpers ------------------------------------------------------------------------------------

const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const flashOf = (html) => {
  const m = html.match(/<div class="flash flash-(\w+)" role="status">([^<]*)<\/div>/);
  return m ? { kind: m[1], message: unescape(m[2]) } : null;
};
const errorOf = (html, id) => {
  const m = html.match(new RegExp(`<p class="error" id="e-${id}">([^<]*)</p>`));
  return m ? unescape(m[1]) : null;
};
const inputOf = (html, id) => {
  const m = html.match(new RegExp(`<(?:input|textarea)[^>]* id="f-${id}"[^>]*>(?:([^<]*)</textarea>)?`));
  return m && m[0];
};
const valueOf = (html, id) => {
  const m = html.match(new RegExp(`<input[^>]* id="f-${id}"[^>]* value="([^"]*)"`));
  if (m) return unescape(m[1]);
  const t = html.match(new RegExp(`<textarea[^>]* id="f-${id}"[^>]*>([^<]*)</textarea>`));
  return t ? unescape(t[1]) : null;
};
const selectedOf = (html, id) => {
  const select = html.match(new RegExp(`<select[^>]* id="f-${id}"[\\s\\S]*?</select>`));
  assert.ok(select, `select f-${id}`);
  const m = select[0].match(/<option value="([^"]*)" selected>/);
  return m ? m[1] : '';
};
const section = (html, id) => {
  const m = html.match(new RegExp(`<section id="${id}"[\\s\\S]*?</section>`));
  assert.ok(m, `section ${id}`);
  return m[0];
};
const timelineOf = (html) => {
  const m = section(html, 'historique').match(/<ol class="timeline">([\s\S]*?)<\/ol>/);
  return m ? [...m[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((x) => text(x[1]).trim()) : [];
};
// The enrolment card of the file ("Parcours" section), by enrolment id.
const enrolmentCard = (html, eid) => {
  const cards = section(html, 'parcours').split('<article class="card enrolment">').slice(1);
  return cards.find((c) => c.includes(`/enrolments/${eid}/status`)) || null;
};
const factOf = (html, dt) => {
  const m = html.match(new RegExp(`<dt>${dt}</dt><dd>([\\s\\S]*?)</dd>`));
  return m ? text(m[1]).trim() : null;
};

// Paris dates, ISO and French.
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const addDays = (iso, n) => { const d = new Date(iso + 'T12:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
const addMonths = (iso, n) => {
  const [y, m, d] = iso.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12), nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return `${ny}-${String(nm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
};
const fr = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

// GET the page, take its CSRF token, POST the form. Returns the raw response.
async function submit(client, page, action, form) {
  const res = await client.get(page);
  assert.equal(res.status, 200, `GET ${page}`);
  const html = await res.text();
  const csrf = Client.csrfOf(html);
  assert.ok(csrf, `${page} carries a CSRF token`);
  assert.ok(html.includes(`action="${action}"`), `${page} has a form posting to ${action}`);
  return client.post(action, { form: { _csrf: csrf, ...form } });
}
// …then follows the redirect: { location, html } of the page the user lands on.
async function submitOk(client, page, action, form, to = page) {
  const res = await submit(client, page, action, form);
  const body = res.status === 303 ? '' : await res.text();
  assert.equal(res.status, 303, `POST ${action}: ${res.status} ${flashOf(body)?.message || text(body).slice(0, 600)}`);
  const location = res.headers.get('location');
  assert.equal(location, to);
  const landed = await client.get(location);
  assert.equal(landed.status, 200);
  return landed.text();
}
// A refused form: 422, the page again with the errors (an error summary,
// except for the small inline forms of the programmes page, opened instead).
async function submitRefused(client, page, action, form, { summary = true } = {}) {
  const res = await submit(client, page, action, form);
  assert.equal(res.status, 422, `POST ${action} is refused`);
  const html = await res.text();
  if (summary) assert.match(html, /Rien n'a été enregistré|Le formulaire contient des erreurs/);
  else assert.match(html, new RegExp(`<details open><summary>[^<]*<span class="sr-only">[^<]*</span></summary>\\s*<form method="post" action="${action}"`));
  return html;
}

const personBody = (extra = {}) => ({
  first_name: 'Mariam', last_name: 'Pages', birth_date: '1985-05-05', gender: 'female', phone: '06 11 22 33 44',
  postcode: '75018', commune: 'Paris', labour_status: 'unemployed_long_term', education_level: 'level_3',
  housing: 'hosted', benefits: ['rsa'], rqth: false, qpv: true, consent: true, consent_date: '2024-01-10',
  confirm_duplicate: true, ...extra,
});
let counter = 0;
// A new participant of the PLIE de Paris followed by the demo referent, with an
// active PLIE enrolment: { id, eid, page }.
async function newPerson(last, entry = '2024-01-15') {
  counter += 1;
  const p = await api.call('POST', '/api/v1/participants', personBody({ last_name: last, birth_date: `1980-01-${String(counter).padStart(2, '0')}` }));
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const e = await api.call('POST', '/api/v1/enrolments', { participant_id: p.body.id, programme_id: plie.id, referent_id: me, entry_date: entry });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  return { id: p.body.id, eid: e.body.id, page: `/participants/${p.body.id}`, last };
}

before(async () => {
  server = await startServer();
  api = await tokenClient(server, 'referent');
  adminApi = await tokenClient(server, 'admin');
  ids = await organisationIds(adminApi);
  me = (await api.call('GET', '/api/v1/followup/due')).body.referent_id;
  const programmes = (await api.call('GET', '/api/v1/programmes')).body.items;
  plie = programmes.find((p) => p.kind === 'plie');
  inclusion = programmes.find((p) => p.kind === 'inclusion100');
  referentPage = await loginAs(server, 'referent');
  supervisorPage = await loginAs(server, 'supervisor');
});
after(() => stopServer(server));

// ---- À contacter ------------------------------------------------------------------------------

test('À contacter: a refused contact comes back open in its own row with what was typed, the other rows blank', async () => {
  const a = await newPerson('Quickform');
  const b = await newPerson('Autreligne');
  const res = await submit(referentPage, '/accompagnement', `/participants/${a.id}/contacts`,
    { return: '/accompagnement', outcome: 'reached', channel: 'sms', level: '2', at: '2099-01-01T10:00', notes: 'à garder' });
  assert.equal(res.status, 422);
  const html = await res.text();
  const row = (id) => {
    const m = html.match(new RegExp(`<tr id="due-${id}"[\\s\\S]*?</tr>`));
    assert.ok(m, `row of participant ${id}`);
    return m[0];
  };
  assert.match(row(a.id), /<details class="quick" open>/);
  assert.equal(errorOf(html, `${a.id}-at`), 'Un échange ne peut pas être daté dans le futur.');
  assert.equal(valueOf(html, `${a.id}-notes`), 'à garder');
  assert.equal(valueOf(html, `${a.id}-at`), '2099-01-01T10:00');
  assert.equal(selectedOf(html, `${a.id}-channel`), 'sms');
  assert.equal(selectedOf(html, `${a.id}-outcome`), 'reached');
  assert.doesNotMatch(row(b.id), /<details class="quick" open>/);
  assert.equal(valueOf(html, `${b.id}-notes`), '');
  assert.equal(selectedOf(html, `${b.id}-channel`), 'phone', 'a blank form proposes the phone');
  assert.equal(errorOf(html, `${b.id}-at`), null);
});

// ---- Enrolments -------------------------------------------------------------------------------

test('enrolment: suspend, resume, exit before entry refused with the input kept, then exit', async () => {
  const p = await newPerson('Transitions');
  const action = `${p.page}/enrolments/${p.eid}/status`;
  let html = await submitOk(referentPage, p.page, action, { transition: 'suspend', reason: 'Hospitalisation' });
  assert.deepEqual(flashOf(html), { kind: 'success', message: 'Le parcours a été suspendu.' });
  let card = enrolmentCard(html, p.eid);
  assert.equal(factOf(card, 'Statut'), 'Suspendu');
  assert.match(card, /value="resume">Reprendre le parcours</);
  assert.doesNotMatch(card, /value="suspend"/);
  assert.ok(timelineOf(html).some((t) => /Parcours : Suspendu/.test(t) && /Hospitalisation/.test(t)), timelineOf(html).join('\n'));

  html = await submitOk(referentPage, p.page, action, { transition: 'resume', reason: '' });
  assert.equal(flashOf(html).message, 'Le parcours a repris.');
  assert.equal(factOf(enrolmentCard(html, p.eid), 'Statut'), 'En cours');

  // An exit before the entry (15/01/2024): refused, everything typed kept.
  html = await submitRefused(referentPage, p.page, action,
    { transition: 'exit', exit_date: '2010-01-01', exit_outcome: 'employment_6m', reason: 'CDI « chez Décathlon »' });
  assert.equal(errorOf(html, `s${p.eid}-exit_date`), "La date de sortie ne peut pas précéder la date d'entrée.");
  assert.match(inputOf(html, `s${p.eid}-exit_date`), /aria-invalid="true"/);
  assert.equal(valueOf(html, `s${p.eid}-exit_date`), '2010-01-01');
  assert.equal(selectedOf(html, `s${p.eid}-exit_outcome`), 'employment_6m');
  assert.equal(valueOf(html, `s${p.eid}-reason`), 'CDI « chez Décathlon »');
  assert.equal(factOf(enrolmentCard(html, p.eid), 'Statut'), 'En cours', 'nothing changed');

  // An exit in the future: refused too.
  const tomorrow = addDays(parisToday(), 1);
  html = await submitRefused(referentPage, p.page, action, { transition: 'exit', exit_date: tomorrow, exit_outcome: 'moved', reason: '' });
  assert.equal(errorOf(html, `s${p.eid}-exit_date`), 'La date de sortie ne peut pas être dans le futur.');
  assert.equal(valueOf(html, `s${p.eid}-exit_date`), tomorrow);
  assert.equal(selectedOf(html, `s${p.eid}-exit_outcome`), 'moved');

  // The file stays open in another tab while the exit is recorded.
  const otherTab = await (await referentPage.get(p.page)).text();
  const colleague = enrolmentCard(otherTab, p.eid).match(new RegExp(`<option value="(\\d+)">${COLLEAGUE_NAME}</option>`))[1];
  html = await submitOk(referentPage, p.page, action,
    { transition: 'exit', exit_date: '2024-06-30', exit_outcome: 'employment_6m', reason: 'CDI' });
  assert.equal(flashOf(html).message, 'La sortie du parcours a été enregistrée.');
  assert.equal(enrolmentCard(html, p.eid), null, 'no longer a current pathway');
  assert.match(text(section(html, 'parcours')),
    /Parcours terminés .*PLIE[^:]*: du 15\/01\/2024 au 30\/06\/2024 — Emploi durable \(≥ 6 mois, au moins mi-temps\)/);
  assert.ok(timelineOf(html).some((t) => t.startsWith('30/06/2024') && /Parcours : Sorti/.test(t)), timelineOf(html).join('\n'));
  // The other tab's forms, submitted after the exit: refused, and the user is told why.
  for (const [path, form, message] of [
    [`${p.page}/enrolments/${p.eid}/transfer`, { referent_id: colleague, reason: 'Congé' }, 'Ce parcours est terminé : il ne peut plus changer de référent·e.'],
    [action, { transition: 'suspend', reason: '' }, 'Ce parcours est terminé : son statut ne peut plus changer.'],
  ]) {
    const res = await referentPage.post(path, { form: { _csrf: Client.csrfOf(otherTab), ...form } });
    assert.equal(res.status, 422, path);
    const parcours = section(await res.text(), 'parcours');
    assert.match(parcours, /<div class="alert" role="alert"/, 'the refusal is shown');
    assert.ok(text(parcours).includes(message), `${path}: ${text(parcours)}`);
  }
  const e = await api.call('GET', `/api/v1/enrolments/${p.eid}`);
  assert.equal(e.body.status, 'exited');
  assert.equal(e.body.referent_id, me);
  assert.deepEqual(e.body.history.map((h) => h.to), ['active', 'suspended', 'active', 'exited']);
});

test('enrolment: transfer to a colleague, shown in the file and the timeline; unknown referent refused', async () => {
  const p = await newPerson('Transfert');
  const action = `${p.page}/enrolments/${p.eid}/transfer`;
  const page = await (await referentPage.get(p.page)).text();
  const select = enrolmentCard(page, p.eid).match(/<select id="f-t\d+-referent_id"[\s\S]*?<\/select>/)[0];
  const colleague = select.match(new RegExp(`<option value="(\\d+)">${COLLEAGUE_NAME}</option>`));
  assert.ok(colleague, 'the colleague is offered');

  let html = await submitRefused(referentPage, p.page, action, { referent_id: '999999', reason: 'Congé maternité' });
  assert.match(errorOf(html, `t${p.eid}-referent_id`), /référent·e/);
  assert.equal(valueOf(html, `t${p.eid}-reason`), 'Congé maternité');
  assert.match(html, /<details open><summary>Confier le parcours/);

  html = await submitOk(referentPage, p.page, action, { referent_id: colleague[1], reason: 'Congé maternité' });
  assert.equal(flashOf(html).message, 'Le parcours a été confié à un·e autre référent·e.');
  assert.equal(factOf(enrolmentCard(html, p.eid), 'Référent·e'), COLLEAGUE_NAME);
  const row = timelineOf(html).find((t) => /Changement de référent·e/.test(t));
  assert.ok(row, timelineOf(html).join('\n'));
  assert.match(row, new RegExp(`Changement de référent·e : ${COLLEAGUE_NAME}`));
  assert.match(row, /Congé maternité/);
  const e = await api.call('GET', `/api/v1/enrolments/${p.eid}`);
  assert.equal(e.body.referent_id, Number(colleague[1]));
  assert.ok(e.body.history.some((h) => h.kind === 'transfer' && h.from === String(me) && h.to === colleague[1]));
});

test('a referent account added from the command line is offered at once on a file; disabled, no longer', async () => {
  // The lists of referents and partners are kept by the server between pages
  // and renewed when the directory changes, whoever changes it (here another process).
  const p = await newPerson('Nouvelle-Référente');
  const enrolSelect = (html) => html.match(/<select id="f-e-referent_id"[\s\S]*?<\/select>/)[0];
  const transferSelect = (html) => enrolmentCard(html, p.eid).match(/<select id="f-t\d+-referent_id"[\s\S]*?<\/select>/)[0];
  let html = await (await referentPage.get(p.page)).text();
  assert.ok(!enrolSelect(html).includes('Inès Garnier'));
  const email = 'ines.garnier@plie-paris.fr';
  const added = await server.cli(['user', 'add', email, '--name', 'Inès Garnier', '--role', 'referent',
    '--org', String(ids[DEMO.plie]), '--password-stdin'], 'un mot de passe solide\n');
  assert.equal(added.code, 0, added.stderr);
  html = await (await referentPage.get(p.page)).text();
  assert.match(enrolSelect(html), /<option value="\d+">Inès Garnier<\/option>/);
  assert.match(transferSelect(html), /<option value="\d+">Inès Garnier<\/option>/);
  const disabled = await server.cli(['user', 'disable', email]);
  assert.equal(disabled.code, 0, disabled.stderr);
  html = await (await referentPage.get(p.page)).text();
  assert.ok(!enrolSelect(html).includes('Inès Garnier'));
  assert.ok(!transferSelect(html).includes('Inès Garnier'));
  assert.match(enrolSelect(html), new RegExp(`<option value="\\d+">${COLLEAGUE_NAME}</option>`), 'the others still offered');
});

// ---- Steps, assessments, resources ---------------------------------------------------------------

test('steps: added and shown; an end before the start refused with the input kept', async () => {
  const p = await newPerson('Etapes');
  const action = `${p.page}/steps`;
  let html = await submitRefused(referentPage, p.page, action, {
    enrolment_id: String(p.eid), kind: 'training', start_date: '2024-03-01', end_date: '2024-02-01', place: 'AFPA Montreuil', notes: 'CAP',
  });
  assert.equal(errorOf(html, 'st-end_date'), 'La date de fin ne peut pas précéder la date de début.');
  assert.match(inputOf(html, 'st-end_date'), /aria-invalid="true"/);
  assert.equal(valueOf(html, 'st-start_date'), '2024-03-01');
  assert.equal(valueOf(html, 'st-end_date'), '2024-02-01');
  assert.equal(valueOf(html, 'st-place'), 'AFPA Montreuil');
  assert.equal(valueOf(html, 'st-notes'), 'CAP');
  assert.equal(selectedOf(html, 'st-kind'), 'training');
  assert.match(section(html, 'etapes'), /Aucune étape notée/);

  html = await submitOk(referentPage, p.page, action, {
    enrolment_id: String(p.eid), kind: 'training', start_date: '2024-02-01', end_date: '2024-03-31', place: 'AFPA Montreuil', notes: '',
  });
  assert.equal(flashOf(html).message, "L'étape du parcours a été enregistrée.");
  assert.match(text(section(html, 'etapes')), /Formation \(PLIE[^)]*\) : du 01\/02\/2024 au 31\/03\/2024 — AFPA Montreuil/);
  assert.ok(timelineOf(html).some((t) => t.startsWith('01/02/2024') && /Étape : Formation/.test(t)), timelineOf(html).join('\n'));
});

test('digital assessments: added, the latest shown, the dashboard counts it', async () => {
  const p = await newPerson('Numerique');
  const today = parisToday();
  const dash = async () => (await api.call('GET', `/api/v1/followup/dashboard?from=${addDays(today, -29)}&to=${today}&referent_id=${me}`)).body;
  const before = await dash();
  const action = `${p.page}/assessments`;
  const answers = { equipment: 'yes', connection: 'with_help', email: 'yes', online_procedures: 'no', reading_writing: 'yes' };

  // A missing answer: refused, the other answers kept.
  let html = await submitRefused(referentPage, p.page, action, { assessed_on: addDays(today, -20), ...answers, email: '' });
  assert.equal(errorOf(html, 'a-email'), 'Répondez à cette question.');
  assert.match(html, /id="f-a-connection-with_help" name="connection" value="with_help" checked/);
  assert.equal(valueOf(html, 'a-assessed_on'), addDays(today, -20));

  html = await submitOk(referentPage, p.page, action, { assessed_on: addDays(today, -20), ...answers });
  assert.equal(flashOf(html).message, "L'évaluation de l'autonomie numérique a été enregistrée.");
  assert.match(text(section(html, 'numerique')), new RegExp(`Dernière évaluation le ${fr(addDays(today, -20))}.*Sait utiliser une messagerie électronique Oui`));
  const middle = await dash();
  assert.equal(middle.assessed, before.assessed + 1);
  assert.equal(middle.unable_to_email, before.unable_to_email);

  html = await submitOk(referentPage, p.page, action, { assessed_on: today, ...answers, email: 'no' });
  const shown = text(section(html, 'numerique'));
  assert.match(shown, new RegExp(`Dernière évaluation le ${fr(today)}.*Sait utiliser une messagerie électronique Non`));
  assert.ok(timelineOf(html).some((t) => t.startsWith(fr(today)) && /Évaluation de l'autonomie numérique \(messagerie : Non\)/.test(t)));
  const after = await dash();
  assert.equal(after.assessed, before.assessed + 1, 'the person counts once: their last assessment');
  assert.equal(after.unable_to_email, before.unable_to_email + 1, 'the last assessment says no e-mail');
  // The dashboard page shows the same share.
  const page = await (await referentPage.get(`/tableau-de-bord?du=${addDays(today, -29)}&au=${today}&referent=${me}`)).text();
  assert.match(text(page), new RegExp(`Part ne pouvant pas utiliser l'e-mail \\(dernière évaluation\\) ${after.shares.unable_to_email} %`));
  assert.match(text(page), new RegExp(`Personnes évaluées sur l'autonomie numérique ${after.assessed}`));
});

test('resources sent: added, listed and in the timeline; a bad link refused with the input kept', async () => {
  const p = await newPerson('Ressources');
  const today = parisToday();
  const action = `${p.page}/resources`;
  let html = await submitRefused(referentPage, p.page, action,
    { title: 'Guide « 1er emploi »', link: 'javascript:alert(1)', channel: 'whatsapp', sent_on: today });
  assert.match(errorOf(html, 'r-link'), /https:\/\//);
  assert.equal(valueOf(html, 'r-title'), 'Guide « 1er emploi »');
  assert.equal(valueOf(html, 'r-link'), 'javascript:alert(1)');
  assert.equal(selectedOf(html, 'r-channel'), 'whatsapp');
  assert.match(section(html, 'ressources'), /Aucune ressource envoyée/);

  html = await submitOk(referentPage, p.page, action,
    { title: 'Guide « 1er emploi »', link: 'https://www.exemple.fr/guide?a=1&b=2', channel: 'whatsapp', sent_on: today });
  assert.equal(flashOf(html).message, "L'envoi de la ressource a été enregistré.");
  const list = section(html, 'ressources');
  assert.ok(list.includes('href="https://www.exemple.fr/guide?a=1&amp;b=2"'), 'the link, escaped');
  assert.match(text(list), new RegExp(`${fr(today)} \\(WhatsApp\\) : Guide « 1er emploi »`));
  assert.ok(timelineOf(html).some((t) => /Ressource envoyée \(WhatsApp\) : Guide « 1er emploi »/.test(t)), timelineOf(html).join('\n'));
});

// ---- PASS IAE -------------------------------------------------------------------------------------

let passNumber = 999990000000 + Math.floor(Math.random() * 1e5) * 10;
const nextPassNumber = () => String(passNumber++);

test('PASS IAE: created, suspended, prolonged for RQTH; beyond the limit refused; status, end and alerts shown', async () => {
  const p = await newPerson('Pass');
  const today = parisToday();
  // Started 2 years − 2 months ago: ends in about 2 months.
  const start = addMonths(today, -22);
  const end = addDays(addMonths(start, 24), -1);
  const number = nextPassNumber();

  let html = await submitRefused(referentPage, p.page, `${p.page}/pass`, { enrolment_id: String(p.eid), number: '12345', start_date: start });
  assert.match(errorOf(html, 'pa-number'), /12 caractères/);
  assert.equal(valueOf(html, 'pa-number'), '12345');
  assert.equal(valueOf(html, 'pa-start_date'), start);

  html = await submitOk(referentPage, p.page, `${p.page}/pass`, { enrolment_id: String(p.eid), number, start_date: start });
  assert.equal(flashOf(html).message, 'Le PASS IAE a été enregistré.');
  let card = section(html, 'pass');
  assert.match(card, new RegExp(`<h3>PASS IAE n° ${number}</h3>`));
  assert.equal(factOf(card, 'Statut'), 'Valide');
  assert.equal(factOf(card, 'Début'), fr(start));
  assert.equal(factOf(card, 'Fin'), fr(end));
  assert.match(text(card), new RegExp(`Fin du PASS IAE dans moins de 3 mois \\(le ${fr(end)}\\)\\.`));
  assert.ok(timelineOf(html).some((t) => t.includes(`PASS IAE n° ${number} délivré (fin le ${fr(end)})`)), timelineOf(html).join('\n'));
  const pid = card.match(/action="\/participants\/\d+\/pass\/(\d+)\/periods"/)[1];
  const periods = `${p.page}/pass/${pid}/periods`;

  // A 30-day sick leave, over: the end moves by 30 days.
  const sStart = addDays(today, -60), sEnd = addDays(today, -31);
  html = await submitOk(referentPage, p.page, periods, { reason: 'suspension:SICKNESS', start: sStart, end: sEnd });
  assert.equal(flashOf(html).message, 'La période du PASS IAE a été enregistrée.');
  const end2 = addDays(end, 30);
  card = section(html, 'pass');
  assert.equal(factOf(card, 'Fin'), fr(end2));
  assert.match(text(card), new RegExp(`Suspension du ${fr(sStart)} au ${fr(sEnd)} : Arrêt pour longue maladie`));
  assert.equal(valueOf(card, `p${pid}-start`), end2, 'a prolongation starts at the end: prefilled');

  // No reason chosen: the error next to the list, the dates kept.
  html = await submitRefused(referentPage, p.page, periods, { reason: '', start: end2, end: addMonths(end2, 6) });
  assert.equal(errorOf(html, `p${pid}-reason`), 'Choisissez le motif de la suspension ou de la prolongation.');
  assert.match(html, new RegExp(`<select id="f-p${pid}-reason" name="reason" aria-invalid="true"`));
  assert.equal(valueOf(html, `p${pid}-end`), addMonths(end2, 6));

  // RQTH: 12 months a request. 13 months is refused with the rule's message, the input kept.
  html = await submitRefused(referentPage, p.page, periods, { reason: 'prolongation:RQTH', start: end2, end: addMonths(end2, 13) });
  assert.equal(errorOf(html, `p${pid}-end`),
    `Une prolongation pour le motif « RQTH - Reconnaissance de la qualité de travailleur handicapé » dure au plus 12 mois : date de fin au plus tard le ${fr(addMonths(end2, 12))}.`);
  assert.equal(selectedOf(html, `p${pid}-reason`), 'prolongation:RQTH');
  assert.equal(valueOf(html, `p${pid}-start`), end2);
  assert.equal(valueOf(html, `p${pid}-end`), addMonths(end2, 13));
  assert.match(html, /<details open><summary>Suspendre ou prolonger ce PASS IAE/);

  html = await submitOk(referentPage, p.page, periods, { reason: 'prolongation:RQTH', start: end2, end: addMonths(end2, 12) });
  card = section(html, 'pass');
  assert.equal(factOf(card, 'Fin'), fr(addMonths(end2, 12)));
  assert.equal(factOf(card, 'Statut'), 'Valide');
  assert.match(text(card), new RegExp(`Prolongation du ${fr(end2)} au ${fr(addMonths(end2, 12))} : RQTH`));
  assert.doesNotMatch(card, /Fin du PASS IAE dans moins/, 'more than 3 months left: no alert');
  assert.ok(timelineOf(html).some((t) => /PASS IAE : prolongation jusqu'au/.test(t)));
  assert.ok(timelineOf(html).some((t) => /PASS IAE : suspension jusqu'au/.test(t)));

  // The total for RQTH is 3 years: a 4th year is refused with the rule's message.
  let from = addMonths(end2, 12);
  for (let i = 0; i < 2; i++) {
    html = await submitOk(referentPage, p.page, periods, { reason: 'prolongation:RQTH', start: from, end: addMonths(from, 12) });
    from = addMonths(from, 12);
  }
  html = await submitRefused(referentPage, p.page, periods, { reason: 'prolongation:RQTH', start: from, end: addMonths(from, 1) });
  assert.equal(errorOf(html, `p${pid}-end`),
    'Les prolongations pour le motif « RQTH - Reconnaissance de la qualité de travailleur handicapé » ont atteint leur durée totale maximale (3 ans).');
  assert.equal(factOf(section(html, 'pass'), 'Fin'), fr(from), 'nothing added');
});

test('PASS IAE: the one-month alert, a suspension in progress, a PASS not started yet', async () => {
  const today = parisToday();
  const p = await newPerson('PassBientot');
  const start = addDays(addMonths(today, -24), 15);  // ends in about two weeks
  const end = addDays(addMonths(start, 24), -1);
  let html = await submitOk(referentPage, p.page, `${p.page}/pass`, { enrolment_id: String(p.eid), number: nextPassNumber(), start_date: start });
  let card = section(html, 'pass');
  assert.match(text(card), new RegExp(`Fin du PASS IAE dans moins d'un mois \\(le ${fr(end)}\\)\\.`));
  const pid = card.match(/\/pass\/(\d+)\/periods/)[1];
  html = await submitOk(referentPage, p.page, `${p.page}/pass/${pid}/periods`,
    { reason: 'suspension:MATERNITY', start: addDays(today, -1), end: addDays(today, 100) });
  card = section(html, 'pass');
  assert.equal(factOf(card, 'Statut'), 'Valide (suspendu)');
  assert.equal(factOf(card, 'Fin'), fr(addDays(end, 102)));

  const q = await newPerson('PassFutur');
  const later = addDays(today, 10);
  html = await submitOk(referentPage, q.page, `${q.page}/pass`, { enrolment_id: String(q.eid), number: nextPassNumber(), start_date: later });
  assert.equal(factOf(section(html, 'pass'), 'Statut'), 'Valide (non démarré)');
});

// ---- Programmes -------------------------------------------------------------------------------------

test('programmes: created by a supervisor, a phase and a cohort added; bad cadence refused; others 403', async () => {
  // A file seen before: the programmes offered there are kept between pages, and must follow the creation.
  const seen = await newPerson('Programme-Offert');
  const programmeSelect = async () => (await (await referentPage.get(seen.page)).text()).match(/<select id="f-e-programme_id"[\s\S]*?<\/select>/)[0];
  assert.ok(!(await programmeSelect()).includes('Garantie « Jeunes » Paris'));
  const page = await (await supervisorPage.get('/programmes')).text();
  const org = page.match(/<select id="f-organisation_id"[\s\S]*?<\/select>/)[0]
    .match(new RegExp(`<option value="(\\d+)">${DEMO.plie}</option>`));
  assert.ok(org, 'the supervisor\'s organisation is offered');

  let html = await submitRefused(supervisorPage, '/programmes', '/programmes',
    { name: 'Garantie « Jeunes » Paris', kind: 'other', organisation_id: org[1], cadence_days: '0', max_duration_months: '24' });
  assert.equal(errorOf(html, 'cadence_days'), 'La fréquence de contact doit être un nombre de jours entre 1 et 365.');
  assert.match(inputOf(html, 'cadence_days'), /aria-invalid="true"/);
  assert.equal(valueOf(html, 'name'), 'Garantie « Jeunes » Paris');
  assert.equal(valueOf(html, 'cadence_days'), '0');
  assert.equal(valueOf(html, 'max_duration_months'), '24');
  assert.equal(selectedOf(html, 'kind'), 'other');
  assert.equal(selectedOf(html, 'organisation_id'), org[1]);
  assert.ok(!text(html).includes('Garantie « Jeunes » Paris Type'), 'not created');

  html = await submitOk(supervisorPage, '/programmes', '/programmes',
    { name: 'Garantie « Jeunes » Paris', kind: 'other', organisation_id: org[1], cadence_days: '7', max_duration_months: '24' });
  assert.equal(flashOf(html).message, 'Le programme a été créé.');
  assert.match(await programmeSelect(), /<option value="\d+">Garantie « Jeunes » Paris<\/option>/, 'offered at once on the file');
  const card = () => html.split('<article class="card programme">').find((c) => c.includes('<h2>Garantie « Jeunes » Paris</h2>'));
  assert.ok(card(), 'the new programme is listed');
  assert.equal(factOf(card(), 'Un contact tous les'), '7 jours');
  assert.equal(factOf(card(), 'Durée maximale'), '24 mois');
  assert.equal(factOf(card(), 'Porté par'), DEMO.plie);
  const id = card().match(/action="\/programmes\/(\d+)\/phases"/)[1];

  html = await submitRefused(supervisorPage, '/programmes', `/programmes/${id}/phases`, { name: '   ' }, { summary: false });
  assert.equal(errorOf(html, `ph${id}-name`), 'Le nom de la phase est obligatoire.');
  html = await submitOk(supervisorPage, '/programmes', `/programmes/${id}/phases`, { name: 'Remobilisation' });
  assert.equal(flashOf(html).message, 'La phase a été ajoutée.');
  assert.equal(factOf(card(), 'Phases'), 'Remobilisation ;');

  html = await submitRefused(supervisorPage, '/programmes', `/programmes/${id}/cohorts`, { name: 'promo A', start_date: '2025-02-30' }, { summary: false });
  assert.ok(errorOf(html, `co${id}-start_date`));
  assert.equal(valueOf(html, `co${id}-name`), 'promo A');
  assert.equal(valueOf(html, `co${id}-start_date`), '2025-02-30');
  html = await submitOk(supervisorPage, '/programmes', `/programmes/${id}/cohorts`, { name: 'promo A', start_date: '2025-09-01' });
  assert.equal(flashOf(html).message, 'La promotion a été ajoutée.');
  assert.equal(factOf(card(), 'Promotions'), 'promo A (début le 01/09/2025) ;');

  const prog = (await api.call('GET', '/api/v1/programmes')).body.items.find((x) => x.id === Number(id));
  assert.equal(prog.cadence_days, 7);
  assert.deepEqual(prog.phases.map((x) => x.name), ['Remobilisation']);
  assert.deepEqual(prog.cohorts.map((x) => x.name), ['promo A']);

  // Members, partners and referents do not manage programmes.
  for (const role of ['member', 'partner', 'referent']) {
    const client = role === 'referent' ? referentPage : await loginAs(server, role);
    assert.equal((await client.get('/programmes')).status, 403, role);
    for (const [path, form] of [['/programmes', { name: 'Intrus', kind: 'plie', organisation_id: org[1], cadence_days: '15' }],
      [`/programmes/${id}/phases`, { name: 'Intrusion' }], [`/programmes/${id}/cohorts`, { name: 'promo X', start_date: '2025-01-01' }]]) {
      const res = await client.post(path, { form: { _csrf: client.csrfToken, ...form } });
      assert.equal(res.status, 403, `${role} POST ${path}`);
    }
  }
  const again = (await api.call('GET', '/api/v1/programmes')).body.items;
  assert.ok(!again.some((x) => x.name === 'Intrus'));
  const same = again.find((x) => x.id === Number(id));
  assert.deepEqual(same.phases.map((x) => x.name), ['Remobilisation']);
  assert.deepEqual(same.cohorts.map((x) => x.name), ['promo A']);
});

// ---- Security ------------------------------------------------------------------------------------------

test('a participant of another organisation: every page and action answers 404, nothing saved', async () => {
  const org = await adminApi.call('POST', '/api/v1/organisations', {
    name: 'PLIE Lille Métropole', kind: 'plie', siret: validSiret(), address: '1 place de la République', postcode: '59000',
    commune: 'Lille', parent_id: ids[DEMO.federation],
  });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  for (const [email, role] of [['referente@plie-lille.test', 'referent'], ['superviseur@plie-lille.test', 'supervisor']]) {
    const out = await server.cli(['user', 'add', email, '--name', role === 'referent' ? 'Léa Lille' : 'Sacha Lille',
      '--role', role, '--org', String(org.body.id), '--password-stdin'], OTHER_PASSWORD + '\n');
    assert.equal(out.code, 0, out.stderr + out.stdout);
  }
  const lilleReferent = await new ApiClient(server.url).signIn('referente@plie-lille.test', OTHER_PASSWORD);
  const lilleSupervisor = await new ApiClient(server.url).signIn('superviseur@plie-lille.test', OTHER_PASSWORD);
  const lilleApi = new ApiClient(server.url, { token: (await server.cli(['token', 'create', '--user', 'referente@plie-lille.test'])).stdout.trim() });

  // A Paris participant with something of everything.
  const p = await newPerson('Parisienne');
  let html = await submitOk(referentPage, p.page, `${p.page}/difficulties`, { kind: 'rights', sub_kind: '', partner_organisation_id: '', identified_on: '2024-02-01', notes: '' });
  const did = section(html, 'difficultes').match(/\/difficulties\/(\d+)\/status/)[1];
  html = await submitOk(referentPage, p.page, `${p.page}/pass`, { enrolment_id: String(p.eid), number: nextPassNumber(), start_date: '2024-03-01' });
  const pid = section(html, 'pass').match(/\/pass\/(\d+)\/periods/)[1];
  const beforeFile = await (await referentPage.get(p.page)).text();
  const today = parisToday();
  const at = new Date(Date.now() - 3600e3).toISOString().slice(0, 16);

  const actions = [
    [`${p.page}/contacts`, { at, channel: 'phone', outcome: 'reached', level: '1', notes: 'intrus' }],
    [`${p.page}/enrolments`, { programme_id: String(plie.id), referent_id: String(me), entry_date: today }],
    [`${p.page}/enrolments/${p.eid}/status`, { transition: 'suspend', reason: 'intrus' }],
    [`${p.page}/enrolments/${p.eid}/transfer`, { referent_id: String(me), reason: 'intrus' }],
    [`${p.page}/difficulties`, { kind: 'food', identified_on: today }],
    [`${p.page}/difficulties/${did}/status`, { transition: 'start', reason: 'intrus' }],
    [`${p.page}/assessments`, { assessed_on: today, equipment: 'no', connection: 'no', email: 'no', online_procedures: 'no', reading_writing: 'no' }],
    [`${p.page}/resources`, { title: 'intrus', link: '', channel: 'email', sent_on: today }],
    [`${p.page}/steps`, { enrolment_id: String(p.eid), kind: 'training', start_date: today }],
    [`${p.page}/pass`, { enrolment_id: String(p.eid), number: nextPassNumber(), start_date: today }],
    [`${p.page}/pass/${pid}/periods`, { reason: 'suspension:SICKNESS', start: '2024-04-01', end: '2024-04-30' }],
  ];
  for (const client of [lilleReferent, lilleSupervisor]) {
    assert.equal((await client.get(p.page)).status, 404);
    for (const [path, form] of actions) {
      const res = await client.post(path, { form: { _csrf: client.csrfToken, ...form } });
      assert.equal(res.status, 404, `POST ${path}`);
      const body = await res.text();
      assert.ok(!body.includes('Parisienne'), 'nothing of the person leaks');
    }
  }
  const afterFile = await (await referentPage.get(p.page)).text();
  for (const id of ['historique', 'parcours', 'difficultes', 'numerique', 'ressources', 'etapes', 'pass'])
    assert.equal(text(section(afterFile, id)).replace(/_csrf" value="[^"]*"/g, ''), text(section(beforeFile, id)).replace(/_csrf" value="[^"]*"/g, ''), `${id} unchanged`);

  // Lille's people are unknown referents for Paris: refused in French, the input kept.
  const lilleId = (await lilleApi.call('GET', '/api/v1/followup/due')).body.referent_id;
  assert.ok(lilleId);
  html = await submitRefused(referentPage, p.page, `${p.page}/enrolments/${p.eid}/transfer`, { referent_id: String(lilleId), reason: 'Déménagement à Lille' });
  assert.match(errorOf(html, `t${p.eid}-referent_id`), /référent·e/);
  assert.equal(valueOf(html, `t${p.eid}-reason`), 'Déménagement à Lille');
  html = await submitRefused(referentPage, p.page, `${p.page}/enrolments`, { programme_id: String(inclusion.id), referent_id: String(lilleId), entry_date: '2024-05-02' });
  assert.match(errorOf(html, 'e-referent_id'), /référent·e/);
  assert.equal(valueOf(html, 'e-entry_date'), '2024-05-02');
  assert.equal(selectedOf(html, 'e-programme_id'), String(inclusion.id));
  assert.equal((await api.call('GET', `/api/v1/enrolments?participant_id=${p.id}`)).body.items.length, 1);
  // Lille's supervisor manages Lille's programmes only.
  const lilleProgrammes = await (await lilleSupervisor.get('/programmes')).text();
  assert.ok(!lilleProgrammes.includes(DEMO.plie), 'no Paris programme, no Paris organisation offered');
  let res = await lilleSupervisor.post('/programmes', { form: { _csrf: lilleSupervisor.csrfToken, name: 'Intrus', kind: 'plie', organisation_id: String(ids[DEMO.plie]), cadence_days: '15' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(await res.text(), 'organisation_id'), 'Choisissez la structure qui porte le programme.');
  for (const sub of ['phases', 'cohorts']) {
    res = await lilleSupervisor.post(`/programmes/${plie.id}/${sub}`, { form: { _csrf: lilleSupervisor.csrfToken, name: 'Intrusion', start_date: '2025-01-01' } });
    assert.equal(res.status, 404, sub);
  }
  assert.ok(!(await api.call('GET', '/api/v1/programmes')).body.items.some((x) => x.name === 'Intrus' || x.phases.some((ph) => ph.name === 'Intrusion')));

  // And the other way round: a Lille participant is 404 for Paris.
  const lp = await lilleApi.call('POST', '/api/v1/participants', personBody({ last_name: 'Lilloise' }));
  assert.equal(lp.status, 201, JSON.stringify(lp.body));
  assert.equal((await lilleReferent.get(`/participants/${lp.body.id}`)).status, 200);
  for (const client of [referentPage, supervisorPage]) {
    assert.equal((await client.get(`/participants/${lp.body.id}`)).status, 404);
    for (const sub of ['contacts', 'resources', 'assessments', 'difficulties', 'enrolments']) {
      const res = await client.post(`/participants/${lp.body.id}/${sub}`, { form: { _csrf: client.csrfToken, title: 'x', sent_on: today, channel: 'email' } });
      assert.equal(res.status, 404, sub);
    }
  }
});

test('a form without its CSRF token (or with a wrong one): 403 and nothing saved', async () => {
  const p = await newPerson('Csrf');
  const today = parisToday();
  const before = await (await referentPage.get(p.page)).text();
  assert.match(section(before, 'ressources'), /Aucune ressource envoyée/);
  const forms = [
    [`${p.page}/resources`, { title: 'Sans jeton', channel: 'email', sent_on: today }],
    [`${p.page}/steps`, { enrolment_id: String(p.eid), kind: 'training', start_date: today }],
    [`${p.page}/assessments`, { assessed_on: today, equipment: 'no', connection: 'no', email: 'no', online_procedures: 'no', reading_writing: 'no' }],
    [`${p.page}/enrolments/${p.eid}/status`, { transition: 'suspend' }],
    [`${p.page}/pass`, { enrolment_id: String(p.eid), number: nextPassNumber(), start_date: today }],
  ];
  for (const [path, form] of forms) {
    for (const token of [undefined, 'pas-le-bon-jeton']) {
      const res = await referentPage.post(path, { form: token ? { _csrf: token, ...form } : form });
      assert.equal(res.status, 403, `${path} ${token || 'no token'}`);
      assert.match(await res.text(), /Formulaire expiré/);
    }
  }
  const res = await supervisorPage.post('/programmes', { form: { name: 'Sans jeton', kind: 'plie', organisation_id: String(ids[DEMO.plie]), cadence_days: '15' } });
  assert.equal(res.status, 403);
  const after = await (await referentPage.get(p.page)).text();
  for (const id of ['historique', 'parcours', 'numerique', 'ressources', 'etapes', 'pass'])
    assert.equal(text(section(after, id)), text(section(before, id)), `${id} unchanged`);
  assert.ok(!(await api.call('GET', '/api/v1/programmes')).body.items.some((x) => x.name === 'Sans jeton'));
});

test('every write of these pages is in the audit journal', async () => {
  const admin = await loginAs(server, 'admin');
  const rows = async (query) => {
    const out = [];
    let path = `/admin/journal?${query}`;
    for (let i = 0; path && i < 20; i++) {
      const html = await (await admin.get(path)).text();
      out.push(...[...html.matchAll(/<tr><td>([\s\S]*?)<\/tr>/g)].map((m) => text(m[1]).trim()));
      const next = html.match(/<p><a href="([^"]+)">Événements plus anciens<\/a><\/p>/);
      path = next && unescape(next[1]);
    }
    return out;
  };
  const referentRows = [...await rows('utilisateur=referent%40demo.passerelle.fr&action=create'),
    ...await rows('utilisateur=referent%40demo.passerelle.fr&action=update')];
  for (const [action, entity] of [['Création', 'step'], ['Création', 'assessment'], ['Création', 'resource_sent'],
    ['Création', 'pass_iae'], ['Création', 'pass_iae_period'], ['Création', 'difficulty'], ['Modification', 'enrolment']])
    assert.ok(referentRows.some((r) => r.includes(`referent@demo.passerelle.fr ${action} ${entity} `)), `${action} ${entity}:\n${referentRows.join('\n')}`);
  assert.ok(referentRows.some((r) => /Modification enrolment \d+ active → suspended/.test(r)));
  assert.ok(referentRows.some((r) => /Modification enrolment \d+ transfert au référent \d+/.test(r)));
  assert.ok(referentRows.some((r) => /pass_iae_period \d+ PASS \d+ : prolongation:RQTH/.test(r)));
  const supervisorRows = await rows('utilisateur=supervisor%40demo.passerelle.fr&action=create');
  assert.ok(supervisorRows.some((r) => /Création programme \d+ Garantie « Jeunes » Paris/.test(r)), supervisorRows.join('\n'));
  assert.ok(supervisorRows.some((r) => /Création phase \d+ programme \d+/.test(r)));
  assert.ok(supervisorRows.some((r) => /Création cohort \d+ programme \d+/.test(r)));
  // Refused writes (404, 403, 422) left nothing behind.
  assert.deepEqual((await rows('utilisateur=referente%40plie-lille.test&action=create')).filter((r) => !/participant \d+$/.test(r) && !/Création participant/.test(r)), []);
  assert.ok(!referentRows.some((r) => /Sans jeton|intrus/.test(r)));
});
