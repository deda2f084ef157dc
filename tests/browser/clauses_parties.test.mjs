// The clause facilitator of the Maison de l'emploi de Nantes (seed 003, issue 4)
// adds a planned contract to Nantes Métropole's purchase programme 2021 (a bad
// date first, kept with what was typed), then adds an SIAE as subcontractor on
// a contract and removes it; both pages pass axe and reflow to a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, tableRows, screenshots, axeViolations, horizontalOverflow } from './browser.mjs';

let rig, page;
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
  await login(rig, page, 'facilitator');
});
after(async () => { await rig?.stop(); });

async function assertAccessible(path) {
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `${path}: one h1`);
  const desktop = await axeViolations(page);
  await page.setViewportSize({ width: 375, height: 800 });
  const phone = await axeViolations(page);
  const overflow = await horizontalOverflow(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(desktop, [], `${path}: axe at 1280 px\n${JSON.stringify(desktop, null, 2)}`);
  assert.deepEqual(phone, [], `${path}: axe at 375 px\n${JSON.stringify(phone, null, 2)}`);
  assert.equal(overflow, 0, `${path}: no sideways scrolling at 375 px`);
}

test('a planned contract is added to the buyer\'s programme 2021, after a French error on its date', async () => {
  await page.goto(rig.url('/acheteurs'));
  await page.locator('a[href^="/acheteurs/"]', { hasText: /^Nantes Métropole$/ }).click();
  await page.waitForURL(/\/acheteurs\/\d+$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Nantes Métropole');
  const y2021 = await tableRows(page.locator('#programme-2021'));
  assert.deepEqual(y2021[0].slice(0, 3), ['08/12/2020', 'Réunion', 'Comité de programmation des achats responsables 2021'
    + 'Bilan des clauses pendant l\'état d\'urgence sanitaire et programmation 2021.']);

  const form = page.locator('#programme-form');
  await form.getByLabel('Année').fill('2021');
  await form.getByLabel(/^Type( \*)?$/).selectOption({ label: 'Marché prévu' });
  await form.getByLabel('Objet').fill('Nettoyage des gymnases métropolitains');
  await form.getByLabel('Date prévue').fill('31/02/2021');
  await form.getByLabel('Secteur').selectOption({ label: 'Nettoyage' });
  await form.getByLabel('Type de clause').selectOption({ label: 'Marché réservé (SIAE)' });
  await form.getByLabel('Montant estimé (€ HT)').fill('12 500,50');
  await form.getByRole('button', { name: 'Ajouter à la programmation' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#e-planned_on').textContent(),
    "Cette date n'est pas valide : saisissez-la au format JJ/MM/AAAA (exemple : 15/03/2021).");
  assert.equal(await page.locator('#programme-form').getByLabel('Objet').inputValue(), 'Nettoyage des gymnases métropolitains');
  assert.equal(await page.locator('#programme-form').getByLabel('Montant estimé (€ HT)').inputValue(), '12 500,50');
  await assertAccessible('/acheteurs/{id} with errors');

  await page.locator('#programme-form').getByLabel('Date prévue').fill('01/03/2021');
  await page.locator('#programme-form').getByRole('button', { name: 'Ajouter à la programmation' }).click();
  await page.waitForURL(/\/acheteurs\/\d+\?annee=2021/);
  assert.match(await page.locator('div.flash').textContent(), /Marché prévu ajouté à la programmation\./);
  const rows = await tableRows(page.locator('#programme-2021'));
  const added = rows.find((r) => r[2] === 'Nettoyage des gymnases métropolitains');
  assert.deepEqual(added.slice(0, 6), ['01/03/2021', 'Marché prévu', 'Nettoyage des gymnases métropolitains',
    'NettoyageMarché réservé (SIAE)', '12 500,50 €', 'Prévu']);  // a line break between sector and clause
  assert.equal(await page.locator('#programme-2020').count(), 0, 'the year filter shows 2021 only');
  await screenshots(page, 'clauses-buyer-programme');
  await assertAccessible('/acheteurs/{id}?annee=2021');

  // Edited: the form shows the French date and amount; dropped, the year's summary no longer counts its amount.
  await page.getByRole('link', { name: 'Modifier « Nettoyage des gymnases métropolitains »' }).click();
  await page.waitForURL(/\/programme\/\d+\/modifier$/);
  assert.equal(await page.getByLabel('Date prévue').inputValue(), '01/03/2021');
  assert.equal(await page.getByLabel('Montant estimé (€ HT)').inputValue(), '12500,50');
  await assertAccessible('/acheteurs/{id}/programme/{item}/modifier');
  await page.getByLabel('Statut').selectOption({ label: 'Abandonné' });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(/\/acheteurs\/\d+\?annee=2021/);
  const edited = (await tableRows(page.locator('#programme-2021'))).find((r) => r[2] === 'Nettoyage des gymnases métropolitains');
  assert.equal(edited[5], 'Abandonné');
  assert.match(await page.locator('#summary-2021').textContent(), /^3 marché\(s\) prévu\(s\), dont 0 réalisé\(s\) et 1 abandonné\(s\) ; 1 520 000,00 € estimés hors abandons ; 2 réunion\(s\)\.$/);
  rig.assertClean();
});

test('an SIAE is added as subcontractor on a contract of the programme, then removed', async () => {
  await page.goto(rig.url('/acheteurs'));
  await page.locator('a[href^="/acheteurs/"]', { hasText: /^Nantes Métropole$/ }).click();
  await page.waitForURL(/\/acheteurs\/\d+$/);
  // The planned cleaning contract of 2020 was notified: its link leads to the contract.
  await page.locator('#programme-2020 tbody a[href^="/marches/"]').first().click();
  await page.waitForURL(/\/marches\/\d+$/);
  // The chooser comes when asked for: the page itself stays light.
  assert.equal(await page.locator('#party-form').count(), 0);
  await page.getByRole('link', { name: 'Ajouter un cotraitant ou un sous-traitant' }).click();
  await page.waitForURL(/\/marches\/\d+\?ajouter=cotraitant#party-form$/);
  const form = page.locator('#party-form');
  await form.getByRole('button', { name: 'Ajouter' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#e-organisation_id').textContent(), "Choisissez l'organisation.");
  assert.equal(await page.locator('#e-role').textContent(), 'Choisissez le rôle : cotraitant ou sous-traitant.');

  await page.locator('#party-form').getByLabel('Organisation').selectOption({ label: 'Solipass (ACI)' });
  await page.locator('#party-form').getByLabel('Rôle').selectOption({ label: 'Sous-traitant' });
  await page.locator('#party-form').getByRole('button', { name: 'Ajouter' }).click();
  await page.waitForURL(/\/marches\/\d+#cotraitants$/);
  assert.equal(await page.locator('div.flash').textContent(), 'Sous-traitant ajouté : Solipass.');
  const rows = await tableRows(page.locator('#parties-table'));
  assert.ok(rows.some((r) => r[0] === 'Solipass' && r[1] === 'Sous-traitant'), JSON.stringify(rows));
  await screenshots(page, 'clauses-contract-parties');
  await assertAccessible('/marches/{id}');

  await page.getByRole('button', { name: 'Retirer Solipass (Sous-traitant)' }).click();
  await page.waitForURL(/\/marches\/\d+#cotraitants$/);
  assert.equal(await page.locator('div.flash').textContent(), 'Sous-traitant retiré : Solipass.');
  const after = await tableRows(page.locator('#parties-table'));
  assert.ok(!after.some((r) => r[0] === 'Solipass' && r[1] === 'Sous-traitant'), JSON.stringify(after));
  rig.assertClean();
});
