// The waiting list's offer by e-mail, in the browser (issue 5): staff publish an
// event of one seat with two round tables, a member registers two people (the
// first in a round table, the second waits), cancels
// the first; the SMTP sink receives the offer with its deadline, the member
// accepts the seat and the confirmation with its .ics arrives. The outbox page
// of administrators lists them. Every page passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, axeViolations } from './browser.mjs';
import { smtpSink, waitForMessages, parseIcs } from '../support/smtp.mjs';

let rig, sink;
before(async () => {
  sink = await smtpSink();
  rig = await startRig({ env: { PASSERELLE_SMTP_URL: sink.url, PASSERELLE_MAIL_INTERVAL_MS: '200' } });
});
after(async () => { await rig?.stop(); await sink?.stop(); });

// Demo contacts of Solipass; the shared sink may hold other files' mails to them,
// so messages are told apart by this run's event title.
const PIERRE = 'pierre.morel@solipass.demo.passerelle.fr';
const AURELIE = 'aurelie.fournier@solipass.demo.passerelle.fr';
const title = `Atelier PASS IAE ${Date.now().toString(36)}`;
const about = (prefix) => (m) => m.subject === `${prefix} : ${title}`;

async function newPage(role) {
  const page = await (await rig.newContext()).newPage();
  await login(rig, page, role);
  return page;
}

async function submit(page, name) {
  await Promise.all([page.waitForURL(/\/evenements\/\d+$/), page.getByRole('button', { name }).first().click()]);
}

test('a full event: the cancelled seat is offered by e-mail, accepted, and confirmed with its .ics', async () => {
  // Staff create a published event of one seat for Pays de la Loire.
  const staff = await newPage('admin');
  await staff.goto(rig.url('/evenements/nouveau'));
  await staff.getByLabel('Type').selectOption({ label: 'Atelier' });
  await staff.getByLabel('Titre').fill(title);
  await staff.getByLabel('Début (heure de Paris)').fill('2031-03-12T09:30');
  await staff.getByLabel('Fin (heure de Paris)').fill('2031-03-12T12:00');
  await staff.getByLabel('Lieu').fill('Saint-Nazaire');
  await staff.getByLabel('Organisateur').selectOption({ label: 'Délégation Pays de la Loire' });
  await staff.getByLabel('Pays de la Loire').check();
  await staff.getByLabel('Capacité').fill('1');
  await staff.getByLabel('Délai pour accepter une place libérée (heures)').fill('24');
  await staff.getByLabel('Statut').selectOption({ label: 'Publié' });
  await submit(staff, 'Enregistrer');
  const eventUrl = staff.url();
  // Two round tables inside it.
  for (const [name, theme] of [['Table ronde A : recruter avec le PASS IAE', 'recrutement'],
    ['Table ronde B : accompagner vers la sortie', 'accompagnement']]) {
    await staff.locator('#add-session').evaluate((d) => { d.open = true; });
    await staff.getByLabel('Titre de la session').fill(name);
    await staff.getByLabel('Thème').fill(theme);
    await staff.locator('#f-session_capacity').fill('5');
    await submit(staff, 'Ajouter la session');
  }
  assert.match(await staff.locator('#sessions').textContent(), /Table ronde A : recruter avec le PASS IAE\s*recrutement\s*0\s*5/);

  // A member fills it: Pierre takes the seat, Aurélie waits.
  const member = await newPage('member');
  await member.goto(eventUrl);
  await member.getByLabel('Personne à inscrire').selectOption({ label: 'Pierre Morel (Solipass)' });
  await member.getByLabel('Table ronde A : recruter avec le PASS IAE').check();
  await submit(member, "S'inscrire");
  assert.match(await member.locator('#sessions').textContent(), /Table ronde A : recruter avec le PASS IAE\s*recrutement\s*1\s*5/);
  await member.getByLabel('Personne à inscrire').selectOption({ label: 'Aurélie Fournier (Solipass)' });
  await submit(member, "S'inscrire");
  const own = member.locator('#own-registrations');
  assert.match(await own.textContent(), /Pierre Morel \(Solipass\) : Inscrit/);
  assert.match(await own.textContent(), /Aurélie Fournier \(Solipass\) : En liste d'attente/);
  const [confirmed] = await waitForMessages(sink, PIERRE, { where: about('Inscription confirmée') });
  assert.match(confirmed.text, /Sessions choisies :\s*- Table ronde A : recruter avec le PASS IAE/);
  await waitForMessages(sink, AURELIE, { where: about("Liste d'attente") });

  // Pierre cannot come: the member cancels; the seat is offered to Aurélie by e-mail.
  await Promise.all([member.waitForURL(/\/evenements\/\d+$/),
    own.locator('li', { hasText: 'Pierre Morel' }).getByRole('button', { name: "Annuler l'inscription" }).click()]);
  const [offer] = await waitForMessages(sink, AURELIE, { where: about('Une place vous est proposée') });
  assert.match(offer.text, /Elle vous est réservée jusqu'au \S+ \d{1,2}(er)? \S+ \d{4} à \d{1,2} h \d{2}\./);
  assert.ok(offer.text.includes(eventUrl), 'the link to the event page, where one accepts');
  await waitForMessages(sink, PIERRE, { where: about('Inscription annulée') });

  // The link of the e-mail: the member accepts the seat; the confirmation comes with its calendar.
  await member.reload();
  assert.match(await own.textContent(), /Aurélie Fournier \(Solipass\) : Place proposée jusqu'au/);
  assert.deepEqual(await axeViolations(member), [], 'event page with an offer: axe');
  await submit(member, 'Accepter la place');
  assert.match(await own.textContent(), /Aurélie Fournier \(Solipass\) : Inscrit/);
  const [confirmation] = await waitForMessages(sink, AURELIE, { where: about('Inscription confirmée') });
  const ics = parseIcs(confirmation.attachments.find((a) => a.filename === 'evenement.ics').text);
  assert.equal(ics.DTSTART, '20310312T083000Z', '09:30 in Paris, winter time');
  assert.equal(ics.LOCATION, 'Saint-Nazaire');

  // The agenda link of the page gives the same file.
  const [download] = await Promise.all([member.waitForEvent('download'),
    member.getByRole('link', { name: 'Ajouter à mon agenda (fichier .ics)' }).click()]);
  assert.match(download.suggestedFilename(), /^evenement-\d+\.ics$/);

  // Administrators see the mails in the outbox.
  await staff.goto(rig.url('/admin/courriels?statut=sent'));
  assert.match(await staff.locator('#outbox').textContent(), new RegExp(`Une place vous est proposée : ${title}`));
  assert.deepEqual(await axeViolations(staff), [], 'outbox page: axe');
  rig.assertClean();
});
