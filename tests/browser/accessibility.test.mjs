// axe-core on every page (no "serious" or "critical" violation), and every
// page reflows to a 375 px wide phone without scrolling sideways (WCAG 1.4.10).
//
// axe's source is evaluated through the DevTools protocol (page.evaluate),
// which the server's strict CSP does not apply to: the CSP is not bypassed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, axeViolations, horizontalOverflow, siret } from './browser.mjs';

let rig, page;
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
});
after(async () => { await rig?.stop(); });

// Checks the page as it is now, at desktop and phone widths.
async function check(name, expectedStatus, status) {
  if (expectedStatus !== undefined) assert.equal(status, expectedStatus, `${name}: HTTP status`);
  const title = await page.title();
  assert.match(title, / · Passerelle$/, `${name}: a page title`);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr', `${name}: the page says it is French`);
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `${name}: one h1`);
  const desktop = await axeViolations(page);
  await page.setViewportSize({ width: 375, height: 800 });
  const phone = await axeViolations(page);
  const overflow = await horizontalOverflow(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(desktop, [], `${name}: axe at 1280 px\n${JSON.stringify(desktop, null, 2)}`);
  assert.deepEqual(phone, [], `${name}: axe at 375 px\n${JSON.stringify(phone, null, 2)}`);
  assert.equal(overflow, 0, `${name}: no sideways scrolling at 375 px`);
}

async function open(path) {
  const res = await page.goto(rig.url(path));
  return res.status();
}

async function submit(buttonName) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.getByRole('button', { name: buttonName }).click(),
  ]);
  await page.waitForLoadState();
  return res.status();
}

test('the checker itself catches an unlabelled field and low contrast', async () => {
  await open('/login');
  await page.evaluate(() => {
    const bad = document.createElement('div');
    bad.innerHTML = '<input name="x"><p>pâle</p>';
    Object.assign(bad.querySelector('p').style, { color: '#bbb', background: '#fff' }); // CSSOM: allowed by the CSP
    document.querySelector('main').append(bad);
  });
  const ids = (await axeViolations(page)).map((v) => v.id);
  assert.ok(ids.includes('label') && ids.includes('color-contrast'), ids.join(', '));
  rig.assertClean();
});

test('login page, empty and with an error', async () => {
  await check('login', 200, await open('/login'));
  await page.getByLabel('Adresse e-mail').fill('admin@demo.passerelle.fr');
  await page.getByLabel('Mot de passe').fill('faux');
  await check('login with an error', 401, await submit('Se connecter'));
  rig.assertClean();
});

test('404 page before logging in', async () => {
  await check('404 logged out', 404, await open('/nulle-part'));
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Page introuvable');
  rig.assertClean();
});

test('pages of the directory', async () => {
  await login(rig, page, 'admin');
  await check('home', undefined, 200);

  await check('organisations list', 200, await open('/organisations'));
  await check('organisations list, filtered', 200, await open('/organisations?q=ile&type=delegation'));
  await check('organisations list, nothing found', 200, await open('/organisations?q=zzzz'));

  await open('/organisations?q=ile-de-france&type=delegation');
  await Promise.all([page.waitForURL(/\/organisations\/\d+$/), page.getByRole('link', { name: 'Délégation Île-de-France' }).click()]);
  const orgPath = new URL(page.url()).pathname;
  await check('organisation detail', undefined, 200);
  await check('organisation tree', 200, await open(`${orgPath}/arbre`));
  await check('organisation edit form', 200, await open(`${orgPath}/modifier`));

  await check('new organisation form', 200, await open('/organisations/nouvelle'));
  await page.getByLabel('SIRET').fill('12345678901234');
  await page.getByLabel('Code postal').fill('75011');
  await page.getByLabel('Département').selectOption('93');
  await page.getByLabel('E-mail').fill('pas une adresse');
  await page.getByLabel('Site web').fill('pas un site');
  await check('new organisation form with errors', 422, await submit('Enregistrer'));
  assert.ok(await page.locator('.field .error').count() >= 5);

  await check('contacts list', 200, await open('/contacts'));
  await Promise.all([page.waitForURL(/\/contacts\/\d+$/), page.locator('#results tbody a[href^="/contacts/"]').first().click()]);
  const contactPath = new URL(page.url()).pathname;
  await check('contact detail', undefined, 200);
  await check('contact edit form', 200, await open(`${contactPath}/modifier`));
  await check('new contact form', 200, await open('/contacts/nouveau'));
  await page.getByLabel('E-mail').fill('pas une adresse');
  await check('new contact form with errors', 422, await submit('Enregistrer'));
  rig.assertClean();
});

test('import pages', async () => {
  await check('import page', 200, await open('/organisations/import'));
  await check('import page with an error', 422, await submit('Vérifier le fichier'));
  const csv = `nom;type;siret;code_postal;departement\nAtelier Un;aci;${siret('9300000000011')};93100;93\nAtelier Deux;aci;123;93100;93\n;;;;\n`;
  await page.getByLabel('Fichier CSV').setInputFiles({ name: 'a.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await check('import report', 200, await submit('Vérifier le fichier'));
  assert.ok(await page.locator('table.report tbody tr').count() >= 2);
  rig.assertClean();
});

test('account page with tokens, and the audit log', async () => {
  await check('account', 200, await open('/compte'));
  await check('account, token name missing', 422, await submit('Créer un jeton'));
  await page.getByLabel('Nom du jeton').fill('Tableur');
  await check('account, new token shown', 200, await submit('Créer un jeton'));
  await page.getByLabel('Nom du jeton').fill('Script');
  await submit('Créer un jeton');
  await Promise.all([page.waitForURL(rig.url('/compte')), page.getByRole('button', { name: 'Révoquer le jeton Script' }).click()]);
  assert.equal(await page.locator('table tbody tr').count(), 2);
  await check('account with an active and a revoked token', undefined, 200);

  await check('audit log', 200, await open('/admin/journal'));
  await check('audit log, filtered', 200, await open('/admin/journal?action=login'));
  rig.assertClean();
});

test('error pages once logged in', async () => {
  await check('404 logged in', 404, await open('/organisations/999999'));
  assert.match(await page.locator('main').textContent(), /Cette page n'existe pas ou vous n'y avez pas accès\./);
  await check('404 unknown address', 404, await open('/nulle-part'));
  rig.assertClean();
});
