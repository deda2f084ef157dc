// Memberships and the territorial diagnostic in the browser (issue 5): a
// membership recorded with an error, then fixed, its status in the list; the
// diagnostic of a department with its chart drawn under the strict CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, tableRows, axeViolations } from './browser.mjs';

let rig, page;
const errors = [];
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, page, 'network'); // Nadia, Île-de-France delegation
});
after(async () => { await rig?.stop(); });

test('a membership with a bad fee comes back with the error and what was typed, then is recorded', async () => {
  await page.getByRole('link', { name: 'Adhésions', exact: true }).click();
  await page.getByRole('link', { name: 'Enregistrer une adhésion' }).click();
  await page.getByLabel('Organisation adhérente').selectOption({ label: 'Atelier adapté des Hauts-de-Seine (Entreprise adaptée (EA))' });
  await page.getByLabel('Cotisation (€)').fill('quatre cents');
  const [bad] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: "Enregistrer l'adhésion" }).click()]);
  assert.equal(bad.status(), 422);
  await page.waitForLoadState();
  const fee = page.locator('#f-fee');
  assert.equal(await fee.getAttribute('aria-invalid'), 'true');
  assert.equal(await fee.inputValue(), 'quatre cents', 'what was typed is kept');
  assert.match(await page.locator('#e-fee').textContent(), /nombre d'euros/);
  assert.equal(await page.getByLabel('Organisation adhérente').inputValue() !== '', true, 'the organisation stays chosen');

  await fee.fill('400');
  await page.getByLabel('Payée le').fill(new Date().toISOString().slice(0, 10));
  await Promise.all([page.waitForURL(/\/adhesions\/\d+$/), page.getByRole('button', { name: "Enregistrer l'adhésion" }).click()]);
  assert.match(await page.locator('h1').textContent(), /Atelier adapté des Hauts-de-Seine/);
  assert.equal((await page.locator('#membership-status').textContent()).trim(), 'En cours');

  await page.getByRole('link', { name: '« Toutes les adhésions' }).click();
  const rows = await tableRows(page.locator('#memberships'));
  const row = rows.find((r) => r[0] === 'Atelier adapté des Hauts-de-Seine');
  assert.ok(row, 'the new member is in the list');
  assert.equal(row[1], 'Délégation Île-de-France');
  assert.match(row[5], /400,00 €/);
  assert.equal(row[6], 'En cours');
  const pending = rows.find((r) => r[0] === 'Intérim Insertion Paris');
  assert.equal(pending[6], 'En attente de paiement');
});

test('the diagnostic of Seine-Saint-Denis: actors, gaps and a chart drawn from the data attributes', async () => {
  errors.length = 0;  // the 422 of the rejected form above is logged by the browser
  await page.getByRole('link', { name: 'Diagnostic territorial', exact: true }).click();
  await page.getByLabel('Département').selectOption('93');
  await Promise.all([page.waitForURL(/departement=93/), page.getByRole('button', { name: 'Afficher le diagnostic' }).click()]);
  assert.match(await page.locator('h1').textContent(), /Seine-Saint-Denis \(93\)/);
  const kinds = await page.locator('#actors-by-kind tbody th').allTextContents();
  assert.ok(kinds.includes('Association intermédiaire (AI)'));
  assert.ok(kinds.includes("Atelier et chantier d'insertion (ACI)"));
  const missing = await page.locator('#missing-kinds li').allTextContents();
  assert.ok(missing.includes('Mission locale'), 'no mission locale in Seine-Saint-Denis in the demo');
  // Chart.js has drawn the canvas (no inline script: the strict CSP holds).
  await page.waitForFunction(() => window.Chart && window.Chart.getChart(document.querySelector('canvas[data-chart]')));
  const bars = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart]')).data.datasets[0].data);
  const table = (await tableRows(page.locator('#actors-by-kind'))).map((r) => Number(r[0]));
  assert.deepEqual(bars, table, 'the chart shows the figures of the table');
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, [], 'no console error (CSP violations included)');
});
