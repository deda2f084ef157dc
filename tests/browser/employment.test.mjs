// The employment pages (issue 4): the facilitator adds a profile with its PDF
// CV, finds it in the CV library (accent-insensitive), positions the candidate
// on an open apprenticeship offer and moves the positioning to "hired"; a
// profile without consent cannot be positioned; a partner's view; axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, axeViolations, horizontalOverflow, DEMO_PASSWORD } from './browser.mjs';

let rig;
const stamp = Date.now().toString(36).slice(-5);
const LAST = `Kerébel-${stamp}`;

before(async () => { rig = await startRig(); });
after(async () => { await rig?.stop(); });

async function loginAs(role) {
  const page = await (await rig.newContext()).newPage();
  await page.goto(rig.url('/login'));
  await page.getByLabel('Adresse e-mail').fill(`${role}@demo.passerelle.fr`);
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

test('the facilitator adds a profile, finds it, positions it on an offer and records the hire', async () => {
  const page = await loginAs('facilitator');
  await page.getByRole('link', { name: 'CVthèque' }).click();
  await noSeriousViolation(page, 'cvthèque');
  await page.getByRole('link', { name: 'Nouveau profil' }).click();
  await noSeriousViolation(page, 'profile form');

  // First a mistake: no trade, a consent without its date; what was typed stays.
  await page.locator('#f-last_name').fill(LAST);
  await page.locator('#f-first_name').fill('Maëlys');
  await page.locator('#f-consent').check();
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer' })), 422);
  assert.equal(await page.locator('#e-target_trades').textContent(), 'Indiquez au moins un métier visé (code ROME).');
  assert.match(await page.locator('#e-consent_date').textContent(), /consentement/);
  assert.equal(await page.locator('#f-last_name').inputValue(), LAST);

  await page.locator('#f-target_trades').selectOption(['G1602']);
  await page.locator('#f-consent_date').fill('2020-04-10');
  await page.locator('#f-commune').fill('Nantes');
  await page.locator('#f-skills').fill('Pâtisserie, liaison froide');
  await page.locator('#f-cv').setInputFiles({ name: 'cv-maelys.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n% CV\n%%EOF\n') });
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer' })), 303);
  await page.getByRole('heading', { name: `Maëlys ${LAST}` }).waitFor();
  assert.match(await page.locator('.flash').textContent(), /ajouté à la CVthèque/);
  assert.equal(await page.getByRole('link', { name: 'cv-maelys.pdf' }).count(), 1);

  // The CV library finds her without the accents, ranked among the cooks.
  await page.goto(rig.url('/cvtheque'));
  await page.getByLabel('Rechercher').fill(`patisserie ${LAST.replace('é', 'e').toUpperCase()}`);
  await page.getByLabel('Présentables aux entreprises').check();
  await page.getByRole('button', { name: 'Chercher' }).click();
  await page.waitForURL(/q=/);
  const rows = page.locator('#results tbody tr');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Personnel de cuisine/);
  await rows.first().getByRole('link').click();
  await page.getByRole('heading', { name: `Maëlys ${LAST}` }).waitFor();
  await noSeriousViolation(page, 'profile page');

  // Positioned on the open apprenticeship offer in catering.
  const offerValue = await page.locator('#f-offer_id option').evaluateAll(
    (opts) => opts.find((o) => o.textContent.includes('Apprenti·e cuisinier·ère'))?.value);
  assert.ok(offerValue, 'the open apprenticeship offer is proposed');
  await page.locator('#f-offer_id').selectOption(offerValue);
  await page.getByLabel('Partenaire qui oriente').selectOption('mission_locale');
  assert.equal(await submit(page, page.getByRole('button', { name: 'Positionner' })), 303);
  await page.getByRole('heading', { name: `Positionnement de Maëlys ${LAST}` }).waitFor();
  assert.equal(await page.locator('#state').textContent(), 'Proposé');
  await noSeriousViolation(page, 'positioning page');

  assert.equal(await submit(page, page.getByRole('button', { name: "Transmettre à l'employeur" })), 303);
  assert.equal(await page.locator('#state').textContent(), "Transmis à l'employeur");
  await page.getByLabel('Ce qui a été préparé').fill('Simulation d\'entretien, trajet en tram');
  assert.equal(await submit(page, page.getByRole('button', { name: "Noter l'appel" })), 303);
  assert.equal(await submit(page, page.getByRole('button', { name: 'Entretien programmé' })), 303);
  assert.equal(await page.locator('#state').textContent(), 'Entretien');

  // The hire: the contract type comes from the offer; start and hours are required.
  assert.equal(await page.getByLabel('Type de contrat').inputValue(), 'apprenticeship');
  assert.equal(await submit(page, page.getByRole('button', { name: "Enregistrer l'embauche" })), 422);
  assert.match(await page.locator('[role=alert]').textContent(), /date de début/);
  await page.getByLabel('Début du contrat').fill('2020-09-01');
  await page.getByLabel('Heures par semaine').fill('35');
  assert.equal(await submit(page, page.getByRole('button', { name: "Enregistrer l'embauche" })), 303);
  assert.equal(await page.locator('#state').textContent(), 'Embauché·e');
  assert.match(await page.locator('dl').textContent(), /Contrat d'apprentissage à partir du 01\/09\/2020, 35 h par semaine/);
  const history = await page.locator('#h-hist + ol').textContent();
  for (const step of ['Création', "Transmettre à l'employeur", "Appel de préparation à l'entretien", 'Entretien programmé', 'Embauche'])
    assert.ok(history.includes(step), step);
  assert.equal(await page.getByRole('button', { name: 'Désistement' }).count(), 0, 'a hire is final');
  rig.assertClean();
});

test('a profile without consent cannot be positioned; a partner sees only their orientations', async () => {
  const page = await loginAs('facilitator');
  await page.goto(rig.url('/cvtheque/nouveau'));
  await page.locator('#f-last_name').fill(`Sansaccord-${stamp}`);
  await page.locator('#f-first_name').fill('Théo');
  await page.locator('#f-target_trades').selectOption(['K2204']);
  assert.equal(await submit(page, page.getByRole('button', { name: 'Enregistrer' })), 303);
  assert.equal(await page.getByText('Pas de consentement enregistré', { exact: false }).count(), 1);
  await page.getByLabel('Employeur (profil poussé sans offre)').selectOption({ label: 'Propreté Atlantique' });
  assert.equal(await submit(page, page.getByRole('button', { name: 'Positionner' })), 422);
  assert.match(await page.locator('[role=alert]').textContent(), /consentement à être présenté aux entreprises/);

  const partner = await loginAs('partner');
  await partner.getByRole('link', { name: 'Positionnements' }).click();
  await partner.getByRole('heading', { name: 'Mes orientations' }).waitFor();
  const rows = partner.locator('#results tbody tr');
  assert.equal(await rows.count(), 11);
  assert.ok((await rows.allTextContents()).every((t) => t.includes('France Travail — équipe IAE')));
  await noSeriousViolation(partner, 'partner positionings');
  const res = await partner.goto(rig.url('/offres/nouvelle'));
  assert.equal(res.status(), 403);
  rig.assertClean();
});

test('every employment page passes axe and reflows to a phone', async () => {
  const page = await loginAs('facilitator');
  await page.goto(rig.url('/offres'));
  const offer = await page.locator('#results tbody a').first().getAttribute('href');
  await page.goto(rig.url('/positionnements'));
  const positioning = await page.locator('#results tbody a').first().getAttribute('href');
  for (const path of ['/offres', offer, '/offres/nouvelle', `${offer}/modifier`, '/positionnements', positioning,
    '/cvtheque?q=cuisine', '/emploi/tableau-de-bord']) {
    const res = await page.goto(rig.url(path));
    assert.equal(res.status(), 200, path);
    await noSeriousViolation(page, path);
    await page.setViewportSize({ width: 375, height: 800 });
    assert.deepEqual(await axeViolations(page), [], `${path} at 375 px`);
    assert.equal(await horizontalOverflow(page), 0, `${path}: no sideways scrolling at 375 px`);
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  // The dashboard's figures and its chart.
  await page.goto(rig.url('/emploi/tableau-de-bord?du=2019-09-01&au=2020-04-15'));
  assert.match(await page.locator('#figures').textContent(), /Offres traitées\s*13/);
  assert.equal(await page.locator('canvas[data-chart]').count(), 2);
  rig.assertClean();
});
