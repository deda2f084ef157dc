// Logging in and out, as a person sees it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, demoEmail, DEMO_PASSWORD } from './browser.mjs';

let rig, page;
before(async () => {
  rig = await startRig();
  page = await (await rig.newContext()).newPage();
});
after(async () => { await rig?.stop(); });

test('a visitor is sent to the login page, keeps where they were going', async () => {
  await page.goto(rig.url('/organisations?type=delegation'));
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Connexion');
  assert.equal(await page.title(), 'Connexion · Passerelle');
  // No navigation before logging in.
  assert.equal(await page.getByRole('navigation', { name: 'Navigation principale' }).count(), 0);
  rig.assertClean();
});

test('a wrong password shows the French error and keeps the e-mail address', async () => {
  await page.getByLabel('Adresse e-mail').fill(demoEmail('member'));
  await page.getByLabel('Mot de passe').fill('pas-le-bon');
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Se connecter' }).click()]);
  assert.equal(res.status(), 401);
  await page.waitForLoadState();
  const alert = page.getByRole('alert');
  assert.equal((await alert.textContent()).trim(), 'Adresse e-mail ou mot de passe incorrect.');
  assert.equal(await page.getByLabel('Adresse e-mail').inputValue(), demoEmail('member'));
  assert.equal(await page.getByLabel('Mot de passe').inputValue(), '', 'the password is never sent back');
  // The error is tied to the field for screen readers.
  assert.equal(await page.getByLabel('Adresse e-mail').getAttribute('aria-describedby'), 'login-error');
  assert.equal(await page.getByRole('navigation', { name: 'Navigation principale' }).count(), 0);
  rig.assertClean();
});

test('the right password lands on the page asked for, with the name and the navigation', async () => {
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/organisations\?type=delegation$/),
    page.getByRole('button', { name: 'Se connecter' }).click()]);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Organisations');

  await page.getByRole('link', { name: 'Accueil' }).click();
  await page.waitForURL(rig.url('/'));
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Bonjour Marc Adhérent');
  assert.match(await page.locator('main').textContent(), /Adhérent — Solipass/);
  assert.equal((await page.locator('header .who').textContent()).trim(), 'Marc Adhérent');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Accueil', 'Organisations', 'Contacts', 'Adhésions', 'Événements', 'Groupes de travail', 'Hotline', 'FAQ', 'Ressources', 'Mon compte'],
    'a member has no audit log in the navigation; it sees its own memberships');
  assert.equal(await nav.getByRole('link', { name: 'Accueil' }).getAttribute('aria-current'), 'page');
  rig.assertClean();
});

test('the first Tab reaches the skip link, which moves to the content', async () => {
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Aller au contenu');
  assert.ok(await page.evaluate(() => document.activeElement.getBoundingClientRect().left >= 0), 'visible when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'contenu');
});

test('logging out ends the session', async () => {
  await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Se déconnecter' }).click()]);
  assert.equal((await page.getByRole('status').textContent()).trim(), 'Vous êtes déconnecté·e.');
  assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0);
  await page.goto(rig.url('/contacts'));
  assert.equal(new URL(page.url()).pathname, '/login', 'the old session no longer opens pages');
  rig.assertClean();
});

test('an administrator sees the audit log in the navigation', async () => {
  await page.getByLabel('Adresse e-mail').fill(demoEmail('admin'));
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/contacts$/), page.getByRole('button', { name: 'Se connecter' }).click()]);
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(),
    ['Accueil', 'Programmes', 'Marchés clausés', "Offres d'emploi", 'CVthèque', 'Positionnements', 'Tableau de bord emploi', 'Organisations', 'Contacts', 'Adhésions', 'Diagnostic territorial', 'Événements',
      'Groupes de travail', 'Projets financés', 'Hotline', 'FAQ', 'Ressources', 'Diffusions', "Journal d'audit", 'Courriels', 'Mon compte']);
  assert.equal(await nav.getByRole('link', { name: 'Contacts' }).getAttribute('aria-current'), 'page');
  assert.equal((await page.locator('header .who').textContent()).trim(), 'Agnès Administratrice');
  rig.assertClean();
});
