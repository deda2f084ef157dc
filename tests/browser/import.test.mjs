// Importing organisations from a CSV file with one bad line: the report names
// the line, the column and the reason; the user imports the valid lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, siret, tableRows, screenshots } from './browser.mjs';

let rig, page;
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
  await login(rig, page, 'network');
});
after(async () => { await rig?.stop(); });

let report;
const good1 = siret('9200000000011');
const good2 = siret('9200000000022');
const csv = [
  'nom;type;siret;adresse;code_postal;commune;departement',
  `Recyclerie de l'Ourcq;aci;${good1};4 quai de l'Ourcq;93500;Pantin;93`,
  `Ressourcerie des Lilas;Entreprise d'insertion (EI);12345678901234;1 rue de Paris;93260;Les Lilas;93`,
  `Couture Solidaire Belleville;ei;${good2};80 rue de Belleville;75020;Paris;75`,
].join('\r\n') + '\r\n';

test('the report of a file with a bad SIRET shows the line, the column and the reason', async () => {
  await page.goto(rig.url('/organisations'));
  await page.getByRole('link', { name: 'Importer un fichier CSV' }).click();
  await page.waitForURL(rig.url('/organisations/import'));
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Importer des organisations');

  await page.getByLabel('Fichier CSV').setInputFiles({ name: 'structures-93.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByLabel('Rattacher par défaut à').selectOption({ label: 'Délégation Île-de-France (Délégation régionale)' });
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Vérifier le fichier' }).click()]);
  await page.waitForLoadState();

  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), "Rapport d'import : structures-93.csv");
  assert.equal(await page.locator('#valid-count').textContent(), '2');
  assert.equal(await page.locator('#rejected-count').textContent(), '1');
  const summary = await page.locator('#import-summary dt').evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent]));
  assert.deepEqual(summary, [['Lignes lues', '3'], ['Lignes valides', '2'], ['Lignes rejetées', '1']]);

  const table = page.getByRole('table', { name: 'Chaque erreur avec son numéro de ligne dans le fichier' });
  assert.deepEqual(await table.getByRole('columnheader').allTextContents(), ['Ligne', 'Colonne', 'Motif']);
  assert.deepEqual(await tableRows(table), [
    ['3', 'siret', "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas."],
  ]);
  // Nothing is created before the user chooses.
  assert.equal(await page.getByRole('button', { name: 'Importer les 2 ligne(s) valide(s)' }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Ne rien importer' }).count(), 1);
  const check = await (await rig.newContext({ storageState: await page.context().storageState() })).newPage();
  await check.goto(rig.url('/organisations?q=ourcq'));
  assert.equal(await check.locator('#results tbody tr td:first-child a').count(), 0, 'not imported yet');
  await check.close();

  report = await page.locator('form[action^="/organisations/import/"]').evaluate((f) =>
    ({ action: f.getAttribute('action'), csrf: f.querySelector('[name=_csrf]').value }));
  await screenshots(page, 'import-report');
  rig.assertClean();
});

test('importing the valid lines creates them and says so', async () => {
  await Promise.all([page.waitForURL(/\/organisations\?tri=recent$/),
    page.getByRole('button', { name: 'Importer les 2 ligne(s) valide(s)' }).click()]);
  assert.equal((await page.getByRole('status').textContent()).trim(),
    '2 organisation(s) importée(s) depuis « structures-93.csv ».');
  const names = await page.locator('#results tbody tr td:first-child a').allTextContents();
  assert.deepEqual(names.slice(0, 2).sort(), ['Couture Solidaire Belleville', "Recyclerie de l'Ourcq"], 'newest first');
  assert.ok(!names.includes('Ressourcerie des Lilas'), 'the bad line is not imported');

  await page.getByRole('link', { name: "Recyclerie de l'Ourcq" }).click();
  await page.waitForURL(/\/organisations\/\d+$/);
  const facts = Object.fromEntries(await page.locator('dl.facts dt').evaluateAll((dts) =>
    dts.map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim().replace(/\s+/g, ' ')])));
  assert.equal(facts['SIRET'], good1);
  assert.equal(facts['Adresse'], "4 quai de l'Ourcq 93500 Pantin");
  assert.equal(facts['Région'], 'Île-de-France');
  assert.deepEqual(await page.getByRole('navigation', { name: "Fil d'Ariane" }).getByRole('link').allTextContents(),
    ['Organisations', 'Délégation Île-de-France'], 'attached to the chosen default parent');
  rig.assertClean();
});

test('the same report cannot be imported twice', async () => {
  const res = await page.request.post(rig.url(report.action), { form: { _csrf: report.csrf, choice: 'valid' }, maxRedirects: 0 });
  assert.equal(res.status(), 404, 'a finished import answers 404');
  await page.goto(rig.url('/organisations?q=ourcq'));
  assert.equal(await page.locator('#results tbody tr').count(), 1, 'still one');
  rig.assertClean();
});

test('a file without the required columns is refused with a clear message', async () => {
  await page.goto(rig.url('/organisations/import'));
  await page.getByLabel('Fichier CSV').setInputFiles({ name: 'liste.csv', mimeType: 'text/csv',
    buffer: Buffer.from('raison sociale;ville\nSolidarité;Paris\n') });
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Vérifier le fichier' }).click()]);
  assert.equal(res.status(), 422);
  await page.waitForLoadState();
  const alert = (await page.getByRole('alert').textContent()).trim();
  assert.match(alert, /colonne/i, alert);
  assert.match(alert, /nom/);
  assert.equal(await page.getByLabel('Fichier CSV').getAttribute('aria-describedby'), 'import-error');
  rig.assertClean();
});
