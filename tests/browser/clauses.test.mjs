// The clause facilitator of the Maison de l'emploi de Nantes (seed 003):
// creates a contract whose insertion hours are computed, imports a holder's
// monthly statement with a bad line, reviews a "facilitator decides" entry and
// sees the progress bar move.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, tableRows, screenshots, axeViolations, horizontalOverflow } from './browser.mjs';

let rig, page, contractUrl;
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
  await login(rig, page, 'facilitator');
});
after(async () => { await rig?.stop(); });

const progressValue = async () => Number(await page.locator('#progress-bar').getAttribute('value'));

test('a new contract: the hours are computed and explained before saving, then shown on its page', async () => {
  await page.goto(rig.url('/marches'));
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Marchés publics clausés');
  assert.match(await page.locator('#results .lead').textContent(), /^\d+ marché\(s\)/);
  await page.getByRole('link', { name: 'Nouveau marché' }).click();
  await page.waitForURL(rig.url('/marches/nouveau'));
  await page.getByLabel('Référence du marché').fill('2020-VDN-NAV-01');
  await page.getByLabel('Objet').fill('Navettes fluviales — entretien des pontons');
  await page.getByLabel('Acheteur public').selectOption({ label: 'Ville de Nantes' });
  await page.getByLabel('Titulaire').selectOption({ label: 'TP Océan' });
  await page.getByLabel('Secteur').selectOption({ label: 'Bâtiment et travaux publics' });
  await page.getByLabel('Montant (€ HT)').fill('500 000');
  await page.getByLabel('Notification').fill('2020-01-06');
  await page.getByLabel('Début d\'exécution').fill('2020-01-15');
  await page.getByLabel('Fin d\'exécution').fill('2020-12-31');
  await page.getByLabel('Heures d\'insertion exigées').selectOption({ label: 'Calculées' });
  await page.getByLabel('Part de main-d\'œuvre (%)').fill('40');
  await page.getByLabel('Taux d\'insertion (%)').fill('5');
  await page.getByLabel('Coût horaire (€)').fill('25');
  await page.getByRole('button', { name: 'Calculer les heures' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#computed-hours').textContent(),
    "500 000,00 € × 40 % (part de main-d'œuvre) × 5 % (taux d'insertion) ÷ 25,00 € (coût horaire) = 400 h");
  // The preview kept what was typed.
  assert.equal(await page.getByLabel('Référence du marché').inputValue(), '2020-VDN-NAV-01');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(/\/marches\/\d+$/);
  contractUrl = page.url();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Marché 2020-VDN-NAV-01');
  assert.equal(await page.locator('#required-hours').textContent(), '400 h');
  assert.match(await page.locator('#hours-computation').textContent(), /= 400 h$/);
  assert.equal(await progressValue(), 0);
  assert.deepEqual(await axeViolations(page), []);
  rig.assertClean();
});

test('a rejected hours entry comes back with its French error and what was typed', async () => {
  await page.goto(contractUrl);
  const form = page.locator('#hours-form');
  await form.getByLabel('Personne').fill('MARTIN Léa');
  await form.getByLabel('Mois').fill('2020-04');
  await form.getByLabel('Heures').fill('300');
  await form.getByLabel('Modalité').selectOption({ label: 'Embauche directe' });
  await form.getByLabel('Critère d\'éligibilité').selectOption({ label: 'Allocataire du RSA' });
  await form.getByRole('button', { name: 'Enregistrer les heures' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#e-hours').textContent(),
    "300 h en avril 2020 : c'est plus que les 220 h possibles dans le mois (10 h par jour ouvré).");
  assert.equal(await page.locator('#hours-form').getByLabel('Personne').inputValue(), 'MARTIN Léa');
  rig.assertClean();
});

test('a monthly statement with a bad line: the report names it, the valid lines are imported', async () => {
  const csv = [
    'reference_marche;nom;mois;heures;modalite;situation;eligibilite;employeur',
    '2020-VDN-NAV-01;MARTIN Léa;2020-02;100;direct_hire;worked;rsa;TP Océan',
    '2020-VDN-NAV-01;DIALLO Moussa;2020-04;60;direct_hire;Arrêt maladie (pris en charge par la Sécurité sociale);rsa;TP Océan',
    '2020-VDN-NAV-99;SOW Awa;2020-04;60;direct_hire;worked;rsa;TP Océan',
  ].join('\r\n') + '\r\n';
  await page.goto(rig.url('/heures/import'));
  await page.getByLabel('Fichier CSV').setInputFiles({ name: 'releve-avril-2020.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await page.waitForLoadState();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), "Rapport d'import : releve-avril-2020.csv");
  assert.equal(await page.locator('#valid-count').textContent(), '2');
  assert.equal(await page.locator('#rejected-count').textContent(), '1');
  const table = page.getByRole('table', { name: 'Chaque erreur avec son numéro de ligne dans le fichier' });
  assert.deepEqual(await tableRows(table), [['4', 'reference_marche : aucun marché « 2020-VDN-NAV-99 » dans votre périmètre.']]);
  await screenshots(page, 'clauses-statement-report');
  await page.getByRole('button', { name: 'Importer les 2 ligne(s) valide(s)' }).click();
  await page.waitForURL(rig.url('/heures/a-examiner'));
  assert.match(await page.locator('.flash').first().textContent(), /2 ligne\(s\) d'heures importée\(s\)/);
  await page.goto(contractUrl);
  // February's 100 h worked count; April's sick leave waits for the facilitator.
  assert.equal(await page.locator('#counted-hours').textContent(), '100 h');
  assert.equal(await progressValue(), 25);
  const rows = await tableRows(page.locator('#hours-table'));
  assert.equal(rows.length, 2);
  assert.match(rows[0].join(' | '), /avril 2020 \| DIALLO Moussa .*À l'appréciation du facilitateur/);
  assert.match(rows[0][6], /règle n° 3 de « État d'urgence sanitaire 2020 », version 1/);
  rig.assertClean();
});

test('reviewing the "facilitator decides" entry: a reason is required, then the progress bar moves', async () => {
  const reviewUrl = rig.url('/heures/a-examiner?marche=' + contractUrl.split('/').pop());
  await page.goto(reviewUrl);
  assert.match(await page.locator('main').textContent(), /Marché 2020-VDN-NAV-01 seulement/);
  const card = page.locator('article', { hasText: 'DIALLO Moussa' }).filter({ hasText: '2020-VDN-NAV-01' });
  assert.equal(await card.count(), 1);
  await card.getByRole('button', { name: 'Accepter ces heures' }).click();
  await page.waitForLoadState();
  const again = page.locator('article', { hasText: 'DIALLO Moussa' }).filter({ hasText: '2020-VDN-NAV-01' });
  assert.match(await again.locator('.error').first().textContent(), /Indiquez le motif de votre décision/);
  await again.getByLabel('Motif de la décision').fill('Arrêt indemnisé par la CPAM : attestation reçue');
  await again.getByRole('button', { name: 'Accepter ces heures' }).click();
  await page.waitForURL(reviewUrl);
  assert.equal(await page.locator('article', { hasText: '2020-VDN-NAV-01' }).count(), 0);
  assert.match(await page.locator('main').textContent(), /Aucune heure n'attend votre décision/);
  await page.goto(contractUrl);
  assert.equal(await page.locator('#counted-hours').textContent(), '160 h');
  assert.equal(await progressValue(), 40);
  const rows = await tableRows(page.locator('#hours-table'));
  assert.match(rows[0][5], /Acceptées par le facilitateur : Arrêt indemnisé par la CPAM/);
  await screenshots(page, 'clauses-contract');
  rig.assertClean();
});

test('the clauses pages pass axe and reflow to a 375 px phone', async () => {
  for (const path of ['/marches', '/marches/nouveau', new URL(contractUrl).pathname, '/heures/import', '/heures/a-examiner',
    '/regles', '/acheteurs', '/marches/import', '/marches/tableau-de-bord?du=2020-03-01&au=2020-06-30']) {
    const res = await page.goto(rig.url(path));
    assert.equal(res.status(), 200, path);
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
  rig.assertClean();
});

// Rows of a table whose first cell is a row header (th), as text.
const headedRows = (selector) => page.locator(`${selector} tbody tr`).evaluateAll((rows) =>
  rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim().replace(/\s+/g, ' '))));

test('the dashboard: contracts by status and hours of spring 2020, drawn by Chart.js, and its exports', async () => {
  await page.goto(rig.url('/marches'));
  await page.getByRole('link', { name: 'Tableau de bord des clauses' }).click();
  await page.getByLabel('Du').fill('2020-03-01');
  await page.getByLabel('Au').fill('2020-06-30');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await page.waitForURL(/du=2020-03-01&au=2020-06-30/);
  assert.match(await page.locator('.lead').first().textContent(), /Du 01\/03\/2020 au 30\/06\/2020/);
  const statuses = Object.fromEntries((await headedRows('#statuses')).map((r) => [r[0], Number(r[1])]));
  assert.ok(statuses['Actif'] > 0 && statuses['Suspendu'] > 0, JSON.stringify(statuses));
  const situations = (await headedRows('#situations')).map((r) => r[0]);
  assert.ok(situations.includes('Télétravail'), situations.join(', '));
  // Three charts, each drawn (a Chart.js instance on its canvas).
  assert.equal(await page.locator('canvas[data-chart]').count(), 3);
  const drawn = await page.evaluate(() => [...document.querySelectorAll('canvas[data-chart]')]
    .map((c) => window.Chart.getChart(c)?.data.datasets[0].data.length ?? 0));
  assert.ok(drawn.every((n) => n > 0), JSON.stringify(drawn));
  assert.equal(drawn[0], Object.keys(statuses).length);
  const csv = await page.request.get(rig.url('/marches/tableau-de-bord/export.csv?du=2020-03-01&au=2020-06-30'));
  assert.equal(csv.status(), 200);
  assert.match((await csv.text()).replace(/^\uFEFF/, ''), /^indicateur;detail;valeur;heures_declarees;heures_validees\r\n/);
  rig.assertClean();
});

test('another role is refused the clauses pages', async () => {
  const other = await (await rig.newContext()).newPage();
  await login(rig, other, 'referent');
  const res = await other.goto(rig.url('/marches'));
  assert.equal(res.status(), 403);
  const res2 = await other.goto(contractUrl);
  assert.equal(res2.status(), 403);
  await other.close();
});
