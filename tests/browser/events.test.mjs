// Events in the browser (issue 5): a member finds the open webinar from the
// navigation, registers a contact with a vegetarian lunch, sees the status;
// staff create an event (end before start refused, typed values kept) and see
// the registrations. Every events page passes axe and reflows to a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, axeViolations, horizontalOverflow } from './browser.mjs';

let rig;
const errors = [];
before(async () => { rig = await startRig(); });
after(async () => { await rig?.stop(); });

async function newPage(role) {
  const page = await (await rig.newContext()).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, page, role);
  return page;
}

async function accessible(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: axe at 1280 px`);
  await page.setViewportSize({ width: 375, height: 800 });
  assert.deepEqual(await axeViolations(page), [], `${name}: axe at 375 px`);
  assert.equal(await horizontalOverflow(page), 0, `${name}: no sideways scrolling at 375 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('a member registers a contact to the open webinar of its region', async () => {
  const page = await newPage('member');
  await page.getByRole('link', { name: 'Événements', exact: true }).click();
  await accessible(page, 'events list');
  await page.getByLabel('Statut').selectOption({ label: 'Publié' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.getByRole('link', { name: 'Webinaire : recruter avec les prescripteurs du territoire' }).click();
  await accessible(page, 'event page (member)');
  await page.getByLabel('Régime alimentaire').fill('végétarien');
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: "S'inscrire" }).click()]);
  await page.waitForLoadState();
  assert.match(await page.locator('#e-contact').textContent(), /Choisissez la personne à inscrire/);
  assert.equal(await page.getByLabel('Régime alimentaire').inputValue(), 'végétarien', 'what was typed is kept');
  await accessible(page, 'event page with an error');
  await page.getByLabel('Personne à inscrire').selectOption({ label: 'Aurélie Fournier (Solipass)' });
  await Promise.all([page.waitForURL(/\/evenements\/\d+$/), page.getByRole('button', { name: "S'inscrire" }).click()]);
  assert.match(await page.locator('#own-registrations').textContent(), /Aurélie Fournier \(Solipass\) : Inscrit/);
  assert.deepEqual(errors, []);
});

test('staff create an event: the end before the start is refused next to the field, then it is created', async () => {
  const page = await newPage('network');
  await page.getByRole('link', { name: 'Événements', exact: true }).click();
  await page.getByRole('link', { name: 'Créer un événement' }).click();
  await accessible(page, 'event form');
  await page.getByLabel('Type').selectOption({ label: 'Café-débat' });
  await page.getByLabel('Titre').fill('Café-débat des encadrants');
  await page.getByLabel('Début (heure de Paris)').fill('2031-03-12T14:00');
  await page.getByLabel('Fin (heure de Paris)').fill('2031-03-12T12:00');
  await page.getByLabel('Lieu').fill('Montreuil');
  await page.getByLabel('Organisateur').selectOption({ label: 'Délégation Île-de-France' });
  await page.getByLabel('Île-de-France').check();
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Enregistrer' }).click()]);
  await page.waitForLoadState();
  assert.equal(await page.locator('#f-ends_at').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#e-ends_at').textContent(), /La fin doit être après le début/);
  assert.equal(await page.getByLabel('Titre').inputValue(), 'Café-débat des encadrants');
  assert.equal(await page.getByLabel('Île-de-France').isChecked(), true);
  await accessible(page, 'event form with an error');
  await page.getByLabel('Fin (heure de Paris)').fill('2031-03-12T17:00');
  await Promise.all([page.waitForURL(/\/evenements\/\d+$/), page.getByRole('button', { name: 'Enregistrer' }).click()]);
  assert.match(await page.locator('h1').textContent(), /Café-débat des encadrants/);
  assert.match(await page.locator('main').textContent(), /12\/03\/2031 à 14:00 – 17:00/);
  await accessible(page, 'event page (staff)');
  assert.deepEqual(errors, []);
});
