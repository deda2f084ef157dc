// The organisation form: rejected with every error next to its field and
// nothing typed lost, then accepted once corrected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, siret, screenshots, horizontalOverflow } from './browser.mjs';

let rig, page;
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
  await login(rig, page, 'network'); // Nadia, chargée de mission of the Île-de-France delegation
});
after(async () => { await rig?.stop(); });

const typed = {
  address: '3 rue des Lilas',
  postcode: '75011',
  commune: 'Montreuil',
  email: 'contact@recyclerie-canal.fr',
  phone: '01 48 00 00 00',
  website: 'https://recyclerie-canal.fr',
};
const goodSiret = siret('9123456780001');

// The error shown next to a field: inside the field's own block, announced
// with the field (aria-describedby) and the field marked invalid.
async function fieldError(id) {
  const input = page.locator(`#f-${id}`);
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `${id} is marked invalid`);
  const describedBy = (await input.getAttribute('aria-describedby')).split(' ');
  assert.ok(describedBy.includes(`e-${id}`), `${id} is described by its error`);
  const error = page.locator(`#e-${id}`);
  assert.ok(await error.isVisible());
  const sameBlock = await error.evaluate((e, inputId) => e.closest('.field') === document.getElementById(inputId).closest('.field'), `f-${id}`);
  assert.ok(sameBlock, `the error of ${id} sits next to its field`);
  return (await error.textContent()).trim();
}

test('a form with an empty name, a bad SIRET and a postcode outside the department comes back with every error', async () => {
  await page.getByRole('link', { name: 'Organisations', exact: true }).click();
  await page.getByRole('link', { name: 'Nouvelle organisation' }).click();
  await page.waitForURL(rig.url('/organisations/nouvelle'));
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Nouvelle organisation');

  await page.getByLabel('Type').selectOption({ label: "Atelier et chantier d'insertion (ACI)" });
  await page.getByLabel('Rattachée à').selectOption({ label: 'Délégation Île-de-France (Délégation régionale)' });
  await page.getByLabel('SIRET').fill('12345678901234');
  await page.getByLabel('Adresse', { exact: true }).fill(typed.address);
  await page.getByLabel('Code postal').fill(typed.postcode);
  await page.getByLabel('Commune', { exact: true }).fill(typed.commune);
  await page.getByLabel('Département').selectOption('93');
  await page.getByLabel('E-mail').fill(typed.email);
  await page.getByLabel('Téléphone').fill(typed.phone);
  await page.getByLabel('Site web').fill(typed.website);
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Enregistrer' }).click()]);
  assert.equal(res.status(), 422);
  await page.waitForLoadState();

  assert.equal(await fieldError('name'), 'Le nom est obligatoire.');
  assert.equal(await fieldError('siret'), "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas.");
  assert.equal(await fieldError('postcode'), 'Le code postal 75011 ne correspond pas au département 93 (Seine-Saint-Denis).');
  // Only those three.
  assert.equal(await page.locator('.field .error').count(), 3);
  for (const id of ['kind', 'parent_id', 'address', 'commune', 'department', 'email', 'phone', 'website'])
    assert.equal(await page.locator(`#f-${id}`).getAttribute('aria-invalid'), null, `${id} is not marked invalid`);

  // The summary at the top lists them, has the focus, and links to each field.
  const summary = page.getByRole('alert');
  assert.match(await summary.textContent(), /Le formulaire contient des erreurs/);
  assert.deepEqual(await summary.getByRole('link').allTextContents(), [
    'Le nom est obligatoire.',
    "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas.",
    'Le code postal 75011 ne correspond pas au département 93 (Seine-Saint-Denis).',
  ]);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'form-errors');
  await summary.getByRole('link', { name: /SIRET/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-siret', 'the summary link leads to the field');

  // Everything typed is still there.
  assert.equal(await page.getByLabel('Nom').inputValue(), '');
  assert.equal(await page.getByLabel('Type').inputValue(), 'aci');
  assert.equal(await page.getByLabel('Rattachée à').locator('option:checked').textContent(),
    'Délégation Île-de-France (Délégation régionale)');
  assert.equal(await page.getByLabel('SIRET').inputValue(), '12345678901234');
  assert.equal(await page.getByLabel('Adresse', { exact: true }).inputValue(), typed.address);
  assert.equal(await page.getByLabel('Code postal').inputValue(), typed.postcode);
  assert.equal(await page.getByLabel('Commune', { exact: true }).inputValue(), typed.commune);
  assert.equal(await page.getByLabel('Département').inputValue(), '93');
  assert.equal(await page.getByLabel('E-mail').inputValue(), typed.email);
  assert.equal(await page.getByLabel('Téléphone').inputValue(), typed.phone);
  assert.equal(await page.getByLabel('Site web').inputValue(), typed.website);

  await screenshots(page, 'organisation-form-errors');
  await page.setViewportSize({ width: 375, height: 800 });
  assert.equal(await horizontalOverflow(page), 0, 'the form fits a 375 px wide phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  rig.assertClean();
});

test('once corrected, the new organisation shows with the flash message', async () => {
  await page.getByLabel('Nom').fill('Recyclerie du Canal');
  await page.getByLabel('SIRET').fill(goodSiret.replace(/(\d{3})(\d{3})(\d{3})(\d{5})/, '$1 $2 $3 $4'));
  await page.getByLabel('Code postal').fill('93100');
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Enregistrer' }).click()]);
  assert.equal(res.status(), 303);
  await page.waitForURL(/\/organisations\/\d+$/);

  assert.equal((await page.getByRole('status').textContent()).trim(), "L'organisation a été créée.");
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Recyclerie du Canal');
  assert.equal(await page.locator('.tag').first().textContent(), "Atelier et chantier d'insertion (ACI)");
  const facts = Object.fromEntries(await page.locator('dl.facts dt').evaluateAll((dts) =>
    dts.map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim().replace(/\s+/g, ' ')])));
  assert.equal(facts['SIRET'], goodSiret, 'stored without the spaces');
  assert.equal(facts['Adresse'], '3 rue des Lilas 93100 Montreuil');
  assert.equal(facts['Département'], '93 Seine-Saint-Denis');
  assert.equal(facts['Région'], 'Île-de-France', 'deduced from the department');
  assert.equal(facts['E-mail'], typed.email);
  assert.equal(facts['Site web'], typed.website);
  assert.deepEqual(await page.getByRole('navigation', { name: "Fil d'Ariane" }).getByRole('link').allTextContents(),
    ['Organisations', 'Délégation Île-de-France']);

  // The flash is shown once.
  await page.reload();
  assert.equal(await page.getByRole('status').count(), 0);
  // And the organisation is in the list.
  await page.goto(rig.url('/organisations?q=canal'));
  assert.deepEqual(await page.locator('#results tbody tr td:first-child').allTextContents(), ['Recyclerie du Canal']);
  rig.assertClean();
});
