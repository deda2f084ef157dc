// "Mon compte": a personal API token is shown once, works, and can be revoked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, tableRows } from './browser.mjs';

let rig, page, token;
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
  await login(rig, page, 'network');
});
after(async () => { await rig?.stop(); });

const api = (bearer) => fetch(rig.url('/api/v1/organisations'), { headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' } });
const tokensTable = () => page.getByRole('table', { name: 'Mes jetons' });

test('the account page shows who I am and my roles', async () => {
  await page.getByRole('link', { name: 'Mon compte' }).click();
  await page.waitForURL(rig.url('/compte'));
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Mon compte');
  assert.match(await page.locator('dl.facts').textContent(), /Nadia Chargée de mission\s*Adresse e-mail\s*network@demo\.passerelle\.fr/);
  const roles = (await page.locator('main h2:has-text("Mes rôles") + ul').textContent()).replace(/\s+/g, ' ').trim();
  assert.equal(roles, 'Chargé·e de mission réseau à Délégation Île-de-France', 'the role in French, not its code');
  assert.deepEqual(await tableRows(tokensTable()), [['Aucun jeton.']]);
  rig.assertClean();
});

test('a token needs a name', async () => {
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Créer un jeton' }).click()]);
  assert.equal(res.status(), 422);
  await page.waitForLoadState();
  const field = page.getByLabel('Nom du jeton');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal((await page.locator('#token-name-error').textContent()).trim(),
    'Donnez un nom au jeton (100 caractères au plus), par exemple « Tableur ».');
  assert.equal(await field.getAttribute('aria-describedby'), 'token-name-error');
  rig.assertClean();
});

test('a new token is shown once and works with the API', async () => {
  await page.getByLabel('Nom du jeton').fill('Tableur de suivi');
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Créer un jeton' }).click()]);
  await page.waitForLoadState();
  const shown = page.getByRole('status');
  assert.match(await shown.textContent(), /Copiez-le maintenant : il ne sera plus jamais affiché\./);
  token = (await page.locator('#new-token').textContent()).trim();
  assert.match(token, /^\S{32,}$/, 'a long random token');
  const rows = await tableRows(tokensTable());
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], 'Tableur de suivi');
  assert.equal(rows[0][2], 'jamais');
  assert.equal(rows[0][3], 'Actif');
  assert.equal(await page.getByLabel('Nom du jeton').inputValue(), '', 'the form is ready for another one');

  const res = await api(token);
  assert.equal(res.status, 200, 'the token opens the API');

  // Shown once: the account page no longer contains it.
  await page.getByRole('link', { name: 'Mon compte' }).click();
  await page.waitForURL(rig.url('/compte'));
  assert.ok(!(await page.content()).includes(token), 'the token is never shown again');
  assert.equal(await page.locator('#new-token').count(), 0);
  const later = await tableRows(tokensTable());
  assert.equal(later[0][3], 'Actif');
  assert.notEqual(later[0][2], 'jamais', 'its last use is recorded');
  rig.assertClean();
});

test('a token can be revoked, and then no longer opens the API', async () => {
  const revoke = page.getByRole('button', { name: 'Révoquer le jeton Tableur de suivi' });
  await Promise.all([page.waitForURL(rig.url('/compte')), revoke.click()]);
  await page.waitForLoadState();
  assert.equal((await page.getByRole('status').textContent()).trim(), 'Le jeton a été révoqué.');
  const rows = await tableRows(tokensTable());
  assert.equal(rows[0][0], 'Tableur de suivi');
  assert.equal(rows[0][3], 'Révoqué');
  assert.equal(await page.getByRole('button', { name: /Révoquer/ }).count(), 0);
  assert.equal((await api(token)).status, 401);
  rig.assertClean();
});

test('on a phone the revoke button is still there', async () => {
  await page.getByLabel('Nom du jeton').fill('Script');
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Créer un jeton' }).click()]);
  await page.waitForLoadState();
  await page.setViewportSize({ width: 375, height: 800 });
  const revoke = page.getByRole('button', { name: 'Révoquer le jeton Script' });
  await revoke.scrollIntoViewIfNeeded();
  assert.ok(await revoke.isVisible());
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 375);
  await page.setViewportSize({ width: 1280, height: 900 });
  rig.assertClean();
});
