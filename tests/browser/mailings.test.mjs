// A mailing in the browser (issue 6): the delegation's chargée de mission
// composes it (no recipient first: the error is next to the field and what was
// typed is still there), previews it, sends herself a test, sends it with
// confirmation and follows its progress; the SMTP sink receives it, and its
// unsubscribe link works in a browser without an account. Every page passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, axeViolations } from './browser.mjs';
import { smtpSink, waitForMessages } from '../support/smtp.mjs';

let rig, sink;
before(async () => {
  sink = await smtpSink();
  rig = await startRig({ env: { PASSERELLE_SMTP_URL: sink.url, PASSERELLE_MAIL_INTERVAL_MS: '200' } });
});
after(async () => { await rig?.stop(); await sink?.stop(); });

const CLAIRE = 'claire.martin@ai93.demo.passerelle.fr';  // Rebond 93, member, consent given
const subject = `Reprise des chantiers ${Date.now().toString(36)}`;

test('a mailing is composed, previewed, tested, sent, received; its unsubscribe link works without an account', async () => {
  const page = await (await rig.newContext()).newPage();
  await login(rig, page, 'network');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Diffusions' }).click();
  await page.waitForURL(/\/diffusions$/);
  assert.match(await page.locator('#diffusions').textContent(), /Confinement/);
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('link', { name: 'Nouvelle diffusion' }).click();

  // Nobody in Guadeloupe: a French error next to the audience, the text kept.
  await page.getByLabel('Objet du courriel').fill(subject);
  await page.getByLabel('Message', { exact: true }).fill('Bonjour,\n\nLes chantiers reprennent le 11 mai : voici les consignes sanitaires.');
  await page.getByLabel('Contacts des structures adhérentes ayant accepté les diffusions').check();
  await page.getByLabel('Région', { exact: true }).selectOption({ label: 'Guadeloupe' });
  await page.getByRole('button', { name: "Enregistrer et voir l'aperçu" }).click();
  assert.match(await page.locator('#e-audience').textContent(), /^Aucun destinataire/);
  assert.equal(await page.getByLabel('Objet du courriel').inputValue(), subject);
  assert.match(await page.getByLabel('Message', { exact: true }).inputValue(), /consignes sanitaires/);
  assert.deepEqual(await axeViolations(page), []);

  await page.getByLabel('Région', { exact: true }).selectOption({ label: 'Île-de-France' });
  await page.getByLabel('Type de structure', { exact: true }).selectOption({ label: 'Association intermédiaire (AI)' });
  await Promise.all([page.waitForURL(/\/diffusions\/\d+\/apercu$/),
    page.getByRole('button', { name: "Enregistrer et voir l'aperçu" }).click()]);
  assert.match(await page.locator('#apercu-destinataires').textContent(), new RegExp(CLAIRE.replace(/\./g, '\\.')));
  assert.match(await page.locator('#apercu-html').textContent(), /Les chantiers reprennent le 11 mai/);
  assert.deepEqual(await axeViolations(page), []);

  // The test goes to the caller.
  await page.getByRole('button', { name: "M'envoyer un test" }).click();
  await page.waitForURL(/\/apercu$/);
  await waitForMessages(sink, 'network@demo.passerelle.fr', { where: (m) => m.subject === `[Test] ${subject}` });

  // Sending asks for confirmation.
  await page.getByRole('button', { name: 'Envoyer la diffusion' }).click();
  assert.match(await page.locator('#e-confirm').textContent(), /Cochez la case/);
  await page.getByLabel(/Je confirme l'envoi/).check();
  await Promise.all([page.waitForURL(/\/diffusions\/\d+$/), page.getByRole('button', { name: 'Envoyer la diffusion' }).click()]);
  const [mail] = await waitForMessages(sink, CLAIRE, { where: (m) => m.subject === subject });
  assert.match(mail.text, /Bonjour Claire Martin,/);
  // The progress refreshes by itself until everything is sent.
  await page.locator('#progression [data-status="sent"] strong').filter({ hasNotText: /^0$/ }).waitFor({ timeout: 15000 });
  await page.waitForFunction(() => /100 %/.test(document.querySelector('#progression').textContent), null, { timeout: 15000 });
  await page.reload();
  assert.match(await page.locator('#destinataires').textContent(), /Claire Martin.*Envoyé/);
  await page.getByLabel('Statut', { exact: true }).selectOption({ label: 'Échec' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(/statut=failed/);
  assert.match(await page.locator('#destinataires').textContent(), /Aucun destinataire ne correspond/);
  assert.deepEqual(await axeViolations(page), []);

  // Unsubscribing from the mail, in a browser that never logged in.
  const link = mail.text.match(/(https?:\/\/\S+\/desabonnement\/[0-9a-f]{64})/)[1];
  const visitor = await (await rig.newContext()).newPage();
  await visitor.goto(rig.url(new URL(link).pathname));
  assert.match(await visitor.locator('h1').textContent(), /Se désabonner des diffusions/);
  assert.deepEqual(await axeViolations(visitor), []);
  await visitor.getByRole('button', { name: 'Confirmer le désabonnement' }).click();
  await visitor.locator('h1', { hasText: 'Vous êtes désabonné' }).waitFor();
  assert.match(await visitor.locator('main').textContent(), new RegExp(CLAIRE.replace(/\./g, '\\.')));
});
