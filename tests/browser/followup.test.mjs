// The follow-up pages (issue 3): a referent's day on "À contacter", the
// participant form (errors, then a likely duplicate), the supervisor's page,
// who may open what (403 / 404), sensitive difficulties kept from those who
// may not read them, and axe-core on every page.
//
// The data is made through the pages themselves (a programme by the
// supervisor, a participant by the referent), so the file does not depend on
// what `passerelle demo` loads for the follow-up module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, axeViolations, DEMO_PASSWORD } from './browser.mjs';

let rig;
const stamp = Date.now().toString(36).slice(-5);
const PROGRAMME = `PLIE test ${stamp}`;
const person = { last: `Benaïssa-${stamp}`, first: 'Yasmina', birth: '1984-03-12', phone: '06 11 22 33 44' };
const orgIds = {};

before(async () => {
  rig = await startRig();
  // Organisation ids from the directory (the admin sees every organisation).
  const page = await (await rig.newContext()).newPage();
  await login(rig, page, 'admin');
  for (const [key, name] of [['plie', 'PLIE de Paris'], ['ml', 'Mission locale de Paris']]) {
    await page.goto(rig.url('/organisations?q=' + encodeURIComponent(name)));
    const href = await page.getByRole('link', { name, exact: true }).first().getAttribute('href');
    orgIds[key] = href.split('/').pop();
  }
  await page.close();
  // A second referent of the PLIE, a referent and a supervisor of another organisation.
  for (const [email, name, role, org] of [
    ['referent2@test.passerelle.fr', 'Romain Second', 'referent', orgIds.plie],
    ['referent-ml@test.passerelle.fr', 'Rita Mission', 'referent', orgIds.ml],
    ['supervisor-ml@test.passerelle.fr', 'Serge Mission', 'supervisor', orgIds.ml],
  ]) {
    const r = await rig.server.cli(['user', 'add', email, '--name', name, '--role', role, '--org', org, '--password-stdin'],
      DEMO_PASSWORD + '\n');
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => { await rig?.stop(); });

async function loginAs(email) {
  const page = await (await rig.newContext()).newPage();
  await page.goto(rig.url('/login'));
  await page.getByLabel('Adresse e-mail').fill(email.includes('@') ? email : `${email}@demo.passerelle.fr`);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL(rig.url('/')), page.getByRole('button', { name: 'Se connecter' }).click()]);
  return page;
}

async function noSeriousViolation(page, name) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${name}: axe\n${JSON.stringify(v, null, 2)}`);
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `${name}: one h1`);
}

async function submit(page, locator) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    locator.click(),
  ]);
  await page.waitForLoadState();
  return res.status();
}

let participantUrl;

test('the supervisor sets up a programme', async () => {
  const page = await loginAs('supervisor');
  await page.goto(rig.url('/programmes'));
  await noSeriousViolation(page, 'programmes');
  await page.locator('#f-name').fill(PROGRAMME);
  await page.getByLabel('Porté par').selectOption({ label: 'PLIE de Paris' });
  assert.equal(await page.getByLabel('Un contact tous les (jours)').inputValue(), '15');
  assert.equal(await submit(page, page.getByRole('button', { name: 'Créer le programme' })), 303);
  await page.getByRole('heading', { name: PROGRAMME }).waitFor();
  assert.match(await page.locator('.flash').textContent(), /programme a été créé/);
  rig.assertClean();
});

test('partner and network users may not open the follow-up pages', async () => {
  for (const role of ['partner', 'network']) {
    const page = await loginAs(role);
    assert.equal((await page.goto(rig.url('/participants'))).status(), 403, role);
    assert.equal((await page.goto(rig.url('/accompagnement'))).status(), 403, role);
    assert.equal(await page.getByRole('link', { name: 'Participants' }).count(), 0, `${role}: no link in the menu`);
  }
  rig.assertClean();
});

test('the participant form comes back with every error and what was typed, then a likely duplicate is shown', async () => {
  const page = await loginAs('referent');
  await page.getByRole('link', { name: 'Participants' }).click();
  await page.getByRole('link', { name: 'Nouveau participant' }).click();
  await noSeriousViolation(page, 'participant form');
  await page.getByLabel('Prénom').fill(person.first);
  await page.getByLabel('Date de naissance').fill('2030-01-01');
  await page.getByLabel('Téléphone').fill(person.phone);
  await page.getByLabel('Programme').selectOption({ label: PROGRAMME });
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer' })), 422);
  for (const id of ['last_name', 'birth_date', 'gender', 'consent']) {
    const input = page.locator(`#f-${id}`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', `${id} is marked invalid`);
    assert.ok((await input.getAttribute('aria-describedby')).includes(`e-${id}`));
    assert.ok(await page.locator(`#e-${id}`).isVisible(), `${id}: its error is shown`);
  }
  assert.equal(await page.getByLabel('Prénom').inputValue(), person.first, 'typed values are kept');
  assert.equal(await page.getByLabel('Téléphone').inputValue(), person.phone);
  assert.equal(await page.getByLabel('Programme').inputValue() !== '', true, 'the programme chosen is kept');
  await noSeriousViolation(page, 'participant form with errors');

  await page.locator('#f-last_name').fill(person.last);
  await page.getByLabel('Date de naissance').fill(person.birth);
  await page.getByLabel('Genre').selectOption({ label: 'Femme' });
  await page.getByLabel('La personne a consenti').check();
  await page.getByLabel('Référent·e de parcours').selectOption({ label: 'Rachida Référente' });
  await submit(page, page.getByRole('button', { name: 'Enregistrer' }));
  await page.getByRole('heading', { level: 1, name: `${person.first} ${person.last}` }).waitFor();
  participantUrl = new URL(page.url()).pathname;
  assert.match(participantUrl, /^\/participants\/\d+$/);
  assert.match(await page.locator('#parcours').textContent(), new RegExp(PROGRAMME));
  await noSeriousViolation(page, 'participant file');

  // Same person typed again, accents and case aside: warned before creation.
  await page.goto(rig.url('/participants/nouveau'));
  await page.locator('#f-last_name').fill(person.last.toUpperCase().replace('Ï', 'I'));
  await page.getByLabel('Prénom').fill(person.first.toLowerCase());
  await page.getByLabel('Date de naissance').fill(person.birth);
  await page.getByLabel('Genre').selectOption({ label: 'Femme' });
  await page.getByLabel('La personne a consenti').check();
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer' })), 200);
  const warning = page.locator('#duplicates');
  assert.match(await warning.textContent(), /peut-être déjà suivie/);
  assert.equal(await warning.getByRole('link').getAttribute('href'), participantUrl);
  assert.ok(await page.getByRole('button', { name: 'Créer quand même' }).isVisible());
  await noSeriousViolation(page, 'duplicate warning');
  rig.assertClean();
});

test("the referent's day: a failed attempt keeps the person on the list, a reached contact removes them", async () => {
  const page = await loginAs('referent');
  await page.getByRole('link', { name: 'À contacter' }).click();
  await page.waitForURL(rig.url('/accompagnement'));
  const id = participantUrl.split('/').pop();
  const row = page.locator(`#due-${id}`);
  assert.match(await row.textContent(), /Jamais contacté·e/);
  assert.equal(await row.getByRole('link', { name: /06 11 22 33 44/ }).getAttribute('href'), 'tel:0611223344');
  await noSeriousViolation(page, 'À contacter');

  // No answer: still to contact, one failed attempt.
  await row.getByText('Noter un contact').click();
  await row.getByLabel('Résultat').selectOption({ label: 'Pas de réponse' });
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    row.getByRole('button', { name: /Enregistrer le contact/ }).click()]);
  await page.locator('.flash').waitFor();
  assert.match(await page.locator('.flash').textContent(), /reste à contacter/);
  assert.equal(page.url(), rig.url('/accompagnement'));
  await assert.doesNotReject(row.waitFor());
  assert.doesNotMatch(await row.textContent(), /Jamais contacté·e/);
  assert.equal((await row.locator('td').nth(6).textContent()).trim(), '1', 'one failed attempt');

  // Reached: the next contact is due in 15 days, the person leaves the list.
  await row.getByText('Noter un contact').click();
  await row.getByLabel('Résultat').selectOption({ label: 'Joint·e' });
  await row.getByLabel(/2 — Vers l'emploi/).check();
  await row.getByLabel('Notes (facultatif)').fill('CV repris ensemble');
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    row.getByRole('button', { name: /Enregistrer le contact/ }).click()]);
  await page.locator(`#due-${id}`).waitFor({ state: 'detached' });
  assert.match(await page.locator('.flash').textContent(), /enregistré\.$/);
  assert.equal(page.url(), rig.url('/accompagnement'));

  // The file's timeline shows both contacts with French labels.
  await page.goto(rig.url(participantUrl));
  const timeline = await page.locator('#historique').textContent();
  assert.match(timeline, /Contact \(Téléphone\) : Joint·e/);
  assert.match(timeline, /Contact \(Téléphone\) : Pas de réponse/);
  assert.match(timeline, /CV repris ensemble/);
  rig.assertClean();
});

test('a contact in the future is refused with a French error, the notes kept', async () => {
  const page = await loginAs('referent');
  await page.goto(rig.url(participantUrl));
  await page.locator('#f-c-outcome').selectOption({ label: 'Joint·e' });
  await page.locator('#f-c-at').fill('2099-01-01T10:00');
  await page.locator('#f-c-notes').fill('à garder');
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer le contact' })), 422);
  assert.equal(await page.locator('#f-c-at').getAttribute('aria-invalid'), 'true');
  assert.ok((await page.locator('#e-c-at').textContent()).length > 0);
  assert.equal(await page.locator('#f-c-notes').inputValue(), 'à garder');
  rig.assertClean();
});

test('a sensitive difficulty is seen by the referent and the supervisor only', async () => {
  const page = await loginAs('referent');
  await page.goto(rig.url(participantUrl));
  await page.getByText('Noter une difficulté').click();
  await page.locator('#f-d-kind').selectOption({ label: 'Santé' });
  await page.locator('#f-d-notes').fill('Suivi médical en cours');
  await submit(page, page.getByRole('button', { name: 'Enregistrer la difficulté' }));
  assert.match(await page.locator('#difficultes').textContent(), /Santé/);
  await page.getByText('Noter une difficulté').click();
  await page.locator('#f-d-kind').selectOption({ label: 'Aide alimentaire' });
  await submit(page, page.getByRole('button', { name: 'Enregistrer la difficulté' }));
  await noSeriousViolation(page, 'participant file with difficulties');

  const supervisor = await loginAs('supervisor');
  await supervisor.goto(rig.url(participantUrl));
  assert.match(await supervisor.locator('#difficultes').textContent(), /Santé/, 'the PLIE supervisor sees it');
  const admin = await loginAs('admin');
  await admin.goto(rig.url('/admin/journal?action=read_sensitive&utilisateur=supervisor%40demo.passerelle.fr'));
  assert.ok(await admin.locator('tbody tr').count() >= 1, 'the read is in the audit log');

  // Another referent of the same PLIE sees the person, not the sensitive entry.
  const other = await loginAs('referent2@test.passerelle.fr');
  assert.equal((await other.goto(rig.url(participantUrl))).status(), 200);
  const text = await other.locator('main').textContent();
  assert.doesNotMatch(text, /Santé|Suivi médical/);
  assert.match(text, /Aide alimentaire/);
  assert.equal(await other.locator('#f-d-kind option', { hasText: 'Santé' }).count(), 0, 'not offered either');
  await other.goto(rig.url('/participants'));
  assert.equal(await other.locator('#difficulte option', { hasText: 'Santé' }).count(), 0, 'nor as a filter');

  // Another organisation: the person does not exist for them.
  for (const email of ['referent-ml@test.passerelle.fr', 'supervisor-ml@test.passerelle.fr']) {
    const outsider = await loginAs(email);
    assert.equal((await outsider.goto(rig.url(participantUrl))).status(), 404, email);
    await outsider.goto(rig.url('/participants?q=' + encodeURIComponent(person.last)));
    assert.match(await outsider.locator('#results').textContent(), /Aucune personne/, email);
  }
  rig.assertClean();
});

test('the supervisor sees each referent\'s workload and logs a check-in', async () => {
  const page = await loginAs('supervisor');
  await page.getByRole('link', { name: 'Supervision' }).click();
  await noSeriousViolation(page, 'supervision');
  const row = page.locator('tbody tr', { hasText: 'Rachida Référente' });
  assert.ok(Number((await row.locator('td').nth(0).textContent()).trim()) >= 1, 'she follows people');
  await page.getByLabel('Référent·e').selectOption({ label: 'Rachida Référente' });
  await page.getByLabel('Notes (facultatif)').fill('Point sur les injoignables');
  await submit(page, page.getByRole('button', { name: 'Enregistrer le point' }));
  assert.match(await page.locator('.flash').textContent(), /point quotidien a été enregistré/);
  const today = new Date().toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
  assert.equal((await page.locator('tbody tr', { hasText: 'Rachida Référente' }).locator('td').nth(5).textContent()).trim(), today);

  // Her list, from the supervisor's side.
  await row.getByRole('link', { name: 'Rachida Référente' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /Rachida Référente/);
  rig.assertClean();
});

test('the participants list, the dashboard and their exports', async () => {
  const page = await loginAs('supervisor');
  await page.goto(rig.url('/participants'));
  await noSeriousViolation(page, 'participants list');
  await page.getByLabel('Rechercher').fill(person.last);
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(/q=/);
  assert.match(await page.locator('#results').textContent(), new RegExp(person.last));
  assert.equal(await page.locator('#results tbody tr').count(), 1);
  await page.goto(rig.url('/participants?difficulte=health&q=' + encodeURIComponent(person.last)));
  assert.match(await page.locator('#results').textContent(), new RegExp(person.last), 'the supervisor may filter on health');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV (;)' }).click()]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  assert.match(csv, /^\uFEFF?id;nom;prenom/);
  assert.match(csv, new RegExp(person.last));
  assert.doesNotMatch(csv, /Santé|Suivi médical/, 'no difficulty leaves in the export');

  await page.goto(rig.url('/tableau-de-bord'));
  await noSeriousViolation(page, 'dashboard');
  await page.getByLabel('Programme').selectOption({ label: PROGRAMME });
  await Promise.all([page.waitForURL(/programme=/), page.getByRole('button', { name: 'Afficher' }).click()]);
  const figures = page.locator('table').first();
  const cell = async (label) => (await figures.locator('tr', { hasText: label }).locator('td').textContent()).trim();
  assert.equal(await cell('Personnes suivies à la date de fin'), '1');
  assert.equal(await cell('Contacts réalisés sur la période'), '2');
  assert.equal(await cell('Personnes jointes (distinctes)'), '1');
  assert.equal(await cell('Entrées en parcours'), '1');

  const referent = await loginAs('referent2@test.passerelle.fr');
  await referent.goto(rig.url('/tableau-de-bord'));
  assert.doesNotMatch(await referent.locator('main').textContent(), /Santé/, 'no sensitive count for a referent');
  rig.assertClean();
});
