// The resource library in the browser (issue 6): the Île-de-France staff write
// a resource with an error first (French message next to the field, what was
// typed kept), then publish it; a member of Solipass finds it by searching
// without accents and reads it; an anonymous visitor reads a public note of
// seed 000 without an account. Every page passes axe at 1280 and 375 px.
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

test('staff publish a resource, a member finds it by search and reads it', async () => {
  const staff = await (await rig.newContext()).newPage();
  staff.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, staff, 'network');
  await visit(rig, staff, '/ressources');
  await accessible(staff, 'resource list (staff)');
  await staff.getByRole('link', { name: 'Nouvelle ressource' }).click();
  await staff.getByLabel('Titre').fill('Fiche pratique : équipements de protection individuelle');
  await staff.getByLabel(/^Texte/).fill('Fournir **gel**, gants et masques aux salariés en mission.');
  await staff.getByLabel(/^Thèmes/).fill('mesures sanitaires, chantiers');
  await staff.getByRole('button', { name: 'Publier', exact: true }).click();
  await staff.waitForLoadState();
  assert.match(await staff.locator('#e-kind').textContent(), /Choisissez le type de ressource\./);
  assert.equal(await staff.getByLabel('Titre').inputValue(), 'Fiche pratique : équipements de protection individuelle');
  assert.equal(await staff.getByLabel(/^Thèmes/).inputValue(), 'mesures sanitaires, chantiers');
  await accessible(staff, 'resource form with errors');
  await staff.getByLabel('Type').selectOption({ label: 'Fiche pratique' });
  await staff.getByLabel('Date de publication').fill('2020-05-04');
  await Promise.all([staff.waitForURL(/\/ressources\/\d+$/), staff.getByRole('button', { name: 'Publier', exact: true }).click()]);
  assert.match(await staff.locator('#published-on').textContent(), /04\/05\/2020/);
  await accessible(staff, 'resource page (staff)');

  const member = await (await rig.newContext()).newPage();
  member.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, member, 'member');
  await visit(rig, member, '/ressources');
  await member.getByLabel('Rechercher').fill('equipements protection');
  await Promise.all([member.waitForURL(/q=/), member.getByRole('button', { name: 'Filtrer' }).click()]);
  const first = member.locator('#resources li').first();
  assert.match(await first.textContent(), /Fiche pratique : équipements de protection individuelle/);
  await accessible(member, 'search results (member)');
  await first.getByRole('link').click();
  await member.waitForURL(/\/ressources\/\d+$/);
  assert.match(await member.locator('#body').innerHTML(), /<strong>gel<\/strong>/);
  assert.equal(await member.getByRole('link', { name: 'Modifier' }).count(), 0);
  assert.deepEqual(errors, []);
});

test('an anonymous visitor reads a public note without an account', async () => {
  const page = await (await rig.newContext()).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await visit(rig, page, '/ressources');
  await accessible(page, 'public resource list');
  assert.equal(await page.getByRole('navigation', { name: 'Navigation principale' }).count(), 0);
  await page.getByLabel('Rechercher').fill('direccte');
  await Promise.all([page.waitForURL(/q=/), page.getByRole('button', { name: 'Filtrer' }).click()]);
  await page.getByRole('link', { name: /Note du Grafie à la Direccte/ }).click();
  await page.waitForURL(/\/ressources\/\d+$/);
  assert.match(await page.locator('#published-on').textContent(), /31\/03\/2020/);
  assert.match(await page.locator('#body').textContent(), /prolongation automatique des agréments/);
  await accessible(page, 'public resource page');
  assert.deepEqual(errors, []);
});
