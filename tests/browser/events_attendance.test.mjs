// After an event, in the browser (issue 5): the Île-de-France delegation opens
// the check-in list of its 20 April 2020 meeting, finds a person by searching
// without accents, marks them absent in one tap, then present again with the
// bulk marking; writes the outcome (a bad video address refused next to the
// field with the synthesis kept, then saved and shown on the event page); and
// reads the participation report. Every page passes axe and reflows to a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, visit, axeViolations, horizontalOverflow } from './browser.mjs';

let rig;
const errors = [];
before(async () => { rig = await startRig(); });
after(async () => { await rig?.stop(); });

async function accessible(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: axe at 1280 px`);
  await page.setViewportSize({ width: 375, height: 800 });
  assert.deepEqual(await axeViolations(page), [], `${name}: axe at 375 px`);
  assert.equal(await horizontalOverflow(page), 0, `${name}: no sideways scrolling at 375 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('staff take attendance, write the outcome and read the report', async () => {
  const page = await (await rig.newContext()).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, page, 'network');
  await visit(rig, page, '/evenements?q=centre-val');
  await page.getByRole('link', { name: 'Réunion des adhérents Île-de-France et Centre-Val de Loire' }).click();
  await page.getByRole('link', { name: 'Émargement' }).click();
  assert.match(await page.locator('#attendance-count').textContent(), /4 présent\(s\) sur 4 attendu\(s\)/);
  await accessible(page, 'check-in list');

  await page.getByLabel('Rechercher une personne').fill('orleans');
  await page.getByRole('button', { name: 'Chercher' }).click();
  const rows = page.locator('#checkin tbody tr');
  assert.equal(await rows.count(), 1, 'one person of Orléans Services Emploi');
  const name = (await rows.first().locator('td').nth(1).textContent()).trim();
  await Promise.all([page.waitForURL(/emargement\?q=orleans/), page.getByRole('button', { name: `${name} absent(e)` }).click()]);
  assert.match(await page.locator('.flash, [role="status"]').first().textContent(), new RegExp(`${name} : absent\\(e\\)`));
  assert.equal(await page.getByLabel('Rechercher une personne').inputValue(), 'orleans', 'the search is kept');
  await page.goto(page.url().replace(/\?.*$/, ''));
  assert.match(await page.locator('#attendance-count').textContent(), /3 présent\(s\) sur 4 attendu\(s\) ; 1 absent\(s\)/);

  // After the event: tick the person and mark present in bulk.
  await page.getByLabel(`Choisir ${name}`).check();
  await page.getByRole('button', { name: 'Marquer présentes' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#attendance-count').textContent(), /4 présent\(s\) sur 4 attendu\(s\)/);

  // The outcome.
  await page.getByRole('link', { name: /Réunion des adhérents/ }).click();
  await page.getByRole('link', { name: 'Bilan', exact: true }).click();
  await accessible(page, 'outcome form');
  await page.getByLabel('Synthèse').fill('Partage des pratiques pendant le confinement.\n\nPlan d\'action post COVID-19 à construire.');
  await page.getByLabel('Titre de la vidéo 1').fill('Replay de la réunion');
  await page.getByLabel('Adresse de la vidéo 1').fill('zoom.us/rec/2020');
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Enregistrer le bilan' }).click()]);
  await page.waitForLoadState();
  assert.match(await page.locator('#e-videos').textContent(), /Vidéo 1 : l'adresse doit commencer par https:\/\//);
  assert.match(await page.getByLabel('Synthèse').inputValue(), /Plan d'action post COVID-19/, 'the synthesis is kept');
  await accessible(page, 'outcome form with an error');
  await page.getByLabel('Adresse de la vidéo 1').fill('https://zoom.us/rec/2020');
  await Promise.all([page.waitForURL(/\/evenements\/\d+$/), page.getByRole('button', { name: 'Enregistrer le bilan' }).click()]);
  assert.match(await page.locator('#outcome').textContent(), /Plan d'action post COVID-19 à construire\./);
  assert.equal(await page.getByRole('link', { name: 'Replay de la réunion' }).getAttribute('href'), 'https://zoom.us/rec/2020');
  await accessible(page, 'event page with its outcome');

  // The participation report of 2020.
  await visit(rig, page, '/evenements');
  await page.getByRole('link', { name: 'Rapports de participation' }).click();
  await page.getByLabel('Du').fill('2020-01-01');
  await page.getByLabel('Au').fill('2020-12-31');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#report-summary').textContent(), /3 événement\(s\), 4 inscription\(s\), 4 présence\(s\), 0 absence\(s\)/);
  assert.match(await page.locator('#never').textContent(), /GEIQ BTP Île-de-France/);
  await accessible(page, 'participation report');
  assert.deepEqual(errors, []);
});
