// The hotline in the browser (issue 6): a member of Solipass starts a question,
// sees the FAQ entries close to the subject as it is typed, sends it first
// without a category (French error next to the field, what was typed kept),
// then for real; the federation's staff answer it, with an internal note the
// member never sees; the member closes it and rates it (a second rating is
// not offered). Every page passes axe at 1280 and 375 px.
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

test('a member asks a question, staff answer it, the member rates it', async () => {
  const member = await (await rig.newContext()).newPage();
  member.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, member, 'member');
  await visit(rig, member, '/questions');
  await accessible(member, 'Mes questions');
  await member.getByRole('link', { name: 'Poser une question' }).first().click();
  await member.getByLabel('Objet').pressSequentially('Prolongation du PASS IAE pendant le confinement', { delay: 5 });
  await member.locator('#faq-suggestions-list').waitFor();
  assert.match(await member.locator('#faq-suggestions').textContent(),
    /Les PASS IAE arrivant à échéance pendant l'état d'urgence sanitaire sont-ils prolongés \?/);
  await member.getByLabel('Votre question').fill('Un salarié en arrêt maladie : son PASS est-il aussi prolongé ?');
  await accessible(member, 'ask form with suggestions');
  await member.getByRole('button', { name: 'Envoyer la question' }).click();
  await member.waitForLoadState();
  assert.match(await member.locator('#e-category_id').textContent(), /Choisissez une catégorie\./);
  assert.equal(await member.getByLabel('Objet').inputValue(), 'Prolongation du PASS IAE pendant le confinement');
  assert.match(await member.getByLabel('Votre question').inputValue(), /arrêt maladie/);
  assert.match(await member.locator('#faq-suggestions').textContent(), /sont-ils prolongés/, 'suggestions without JavaScript too');
  await accessible(member, 'ask form with errors');
  await member.getByLabel('Catégorie').selectOption({ label: 'Règles IAE › PASS IAE' });
  await Promise.all([member.waitForURL(/\/questions\/\d+$/), member.getByRole('button', { name: 'Envoyer la question' }).click()]);
  const url = member.url();
  assert.match(await member.locator('#state').textContent(), /Nouvelle/);
  await accessible(member, 'question page (member)');

  // The federation's staff answer, with an internal note.
  const staff = await (await rig.newContext()).newPage();
  staff.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, staff, 'admin');
  await visit(rig, staff, '/questions');
  await accessible(staff, 'staff queue');
  await staff.goto(url);
  await staff.getByLabel('Nouvelle note interne').fill('Vérifier avec la DGEFP le cas des arrêts maladie.');
  await Promise.all([staff.waitForURL(url), staff.getByRole('button', { name: 'Enregistrer la note' }).click()]);
  await staff.getByLabel("Répondre à l'adhérent").fill('Oui : la prolongation vaut aussi pendant un arrêt maladie.');
  await staff.getByLabel('Après la réponse').selectOption('answered');
  await Promise.all([staff.waitForURL(url), staff.getByRole('button', { name: 'Envoyer la réponse' }).click()]);
  assert.match(await staff.locator('#state').textContent(), /Répondue/);
  assert.match(await staff.locator('#internal-notes').textContent(), /Vérifier avec la DGEFP/);
  await accessible(staff, 'question page (staff)');

  // The member reads the answer (not the note), closes and rates.
  await member.goto(url);
  assert.match(await member.locator('#replies').textContent(), /la prolongation vaut aussi pendant un arrêt maladie/);
  assert.doesNotMatch(await member.content(), /Vérifier avec la DGEFP/);
  await Promise.all([member.waitForURL(url), member.getByRole('button', { name: 'Passer à « Clôturée »' }).click()]);
  await member.getByLabel('5', { exact: true }).check();
  await member.getByLabel('Commentaire').fill('Réponse claire, merci.');
  await accessible(member, 'rating form');
  await Promise.all([member.waitForURL(url), member.getByRole('button', { name: 'Envoyer mon évaluation' }).click()]);
  assert.match(await member.locator('#rating').textContent(), /5\/5 — « Réponse claire, merci\. »/);
  assert.equal(await member.locator('#rate-form').count(), 0, 'asked once only');
  assert.deepEqual(errors, []);
});

test('staff pages pass axe: the report with its charts, the FAQ, a draft from a question, the category tree', async () => {
  const page = await (await rig.newContext()).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, page, 'admin');
  await visit(rig, page, '/questions/rapport?from=2020-03-01&to=2020-05-31');
  await page.locator('canvas[data-chart]').first().waitFor();
  assert.match(await page.locator('#totals').textContent(), /Questions reçues\s*12/);
  await accessible(page, 'report');
  await visit(rig, page, '/faq?q=activite');
  assert.equal(await page.locator('#faq li').count(), 1);
  await accessible(page, 'FAQ search');
  await visit(rig, page, '/questions?etat=closed');
  await page.getByRole('link', { name: 'Prolongation des PASS IAE arrivant à échéance pendant le confinement' }).click();
  await page.getByRole('link', { name: 'Publier la réponse dans la FAQ' }).click();
  assert.doesNotMatch(await page.getByLabel('Réponse').inputValue(), /Solipass|Pierre|Morel/);
  await accessible(page, 'FAQ draft');
  await visit(rig, page, '/questions/categories');
  await page.getByLabel('Nom').fill('Chômage partiel');
  await page.getByLabel('Catégorie parente').selectOption({ label: 'Paie' });
  await page.getByLabel('Première réponse (heures ouvrées)').fill('0');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#e-first_response_hours').textContent(), /heures ouvrées/);
  assert.equal(await page.getByLabel('Nom').inputValue(), 'Chômage partiel');
  await accessible(page, 'category tree with an error');
  await page.getByLabel('Première réponse (heures ouvrées)').fill('4');
  await Promise.all([page.waitForURL(/\/questions\/categories$/), page.getByRole('button', { name: 'Enregistrer' }).click()]);
  assert.match(await page.locator('#categories').textContent(), /Paie › Chômage partiel/);
  assert.deepEqual(errors, []);
});

test('an administrator opens the hotline on Saturday mornings from the category page, a half-filled span explained', async () => {
  const page = await (await rig.newContext()).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(rig, page, 'admin');
  await visit(rig, page, '/questions/categories');
  assert.match(await page.locator('main').textContent(), /du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30/);
  await page.getByRole('link', { name: 'Modifier les horaires' }).click();
  await page.waitForURL(/\/questions\/horaires$/);
  assert.equal(await page.getByLabel('lundi, plage 2, fermeture', { exact: true }).inputValue(), '17:30');
  await accessible(page, 'business hours');
  // Saturday 9:00–12:00, and a Sunday opening without its closing time.
  await page.getByLabel('samedi, plage 1, ouverture', { exact: true }).fill('09:00');
  await page.getByLabel('samedi, plage 1, fermeture', { exact: true }).fill('12:00');
  await page.getByLabel('dimanche, plage 1, ouverture', { exact: true }).fill('10:00');
  await page.getByRole('button', { name: 'Enregistrer les horaires' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#e-d7_1_closes').textContent(), /Indiquez l'heure de fermeture \(dimanche, plage 1\)\./);
  assert.equal(await page.getByLabel('samedi, plage 1, fermeture', { exact: true }).inputValue(), '12:00', 'what was typed is kept');
  await accessible(page, 'business hours with an error');
  await page.getByLabel('dimanche, plage 1, ouverture', { exact: true }).fill('');
  await Promise.all([page.waitForURL(/\/questions\/horaires$/),
    page.getByRole('button', { name: 'Enregistrer les horaires' }).click()]);
  assert.match(await page.locator('main').textContent(),
    /Horaires actuels : du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30 ; samedi : 9 h – 12 h\./);
  // Back to the demo's week.
  await page.getByLabel('samedi, plage 1, ouverture', { exact: true }).fill('');
  await page.getByLabel('samedi, plage 1, fermeture', { exact: true }).fill('');
  await Promise.all([page.waitForURL(/\/questions\/horaires$/),
    page.getByRole('button', { name: 'Enregistrer les horaires' }).click()]);
  assert.match(await page.locator('main').textContent(), /Horaires actuels : du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30\./);
  assert.deepEqual(errors, []);
});
