// Working groups and funded projects in the browser (issue 5): staff create a
// project (end before start refused next to the field, typed values kept),
// add a funder, link an activity to one of their events and download the
// funder report (XLSX) whose figures come from the rows; a member reads its
// working group. Every page passes axe and reflows to a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startRig, login, axeViolations, horizontalOverflow } from './browser.mjs';
import { readXlsx } from '../support/xlsx.mjs';

let rig;
before(async () => { rig = await startRig(); });
after(async () => { await rig?.stop(); });

async function newPage(role) {
  const page = await (await rig.newContext()).newPage();
  await login(rig, page, role);
  return page;
}

async function accessible(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: axe at 1280 px`);
  await page.setViewportSize({ width: 375, height: 800 });
  assert.deepEqual(await axeViolations(page), [], `${name}: axe at 375 px`);
  assert.equal(await horizontalOverflow(page), 0, `${name}: no sideways scrolling at 375 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function submit(page, name) {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name }).click()]);
  await page.waitForLoadState();
}

test('staff create a project, link an activity to an event and download the funder report', async () => {
  const page = await newPage('network');
  await page.getByRole('link', { name: 'Projets financés', exact: true }).click();
  await accessible(page, 'projects list');
  await page.getByRole('link', { name: 'Créer un projet' }).click();
  await accessible(page, 'project form');
  await page.getByLabel('Intitulé').fill('Ateliers de la parole en Île-de-France');
  await page.getByLabel('Porteur').selectOption({ label: 'Délégation Île-de-France' });
  await page.locator('#f-starts_on').fill('2020-06-30');
  await page.locator('#f-ends_on').fill('2020-01-01');
  await page.getByLabel('Participants visés').fill('25');
  await page.getByLabel('Objectif').fill('Recueillir la parole des salariés en insertion.');
  await submit(page, 'Enregistrer');
  assert.equal(await page.locator('#f-ends_on').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#e-ends_on').textContent(), /La fin doit être après le début/);
  assert.equal(await page.getByLabel('Intitulé').inputValue(), 'Ateliers de la parole en Île-de-France');
  assert.equal(await page.getByLabel('Participants visés').inputValue(), '25');
  await accessible(page, 'project form with an error');
  await page.locator('#f-starts_on').fill('2020-01-01');
  await page.locator('#f-ends_on').fill('2020-12-31');
  await Promise.all([page.waitForURL(/\/projets\/\d+$/), page.getByRole('button', { name: 'Enregistrer' }).click()]);
  assert.match(await page.locator('h1').textContent(), /Ateliers de la parole en Île-de-France/);

  // A funder, first with a negative amount.
  await page.getByText('Ajouter un financeur').click();
  await page.locator('#f-funder_organisation_id').selectOption({ label: "Fondation Agir pour l'inclusion" });
  await page.locator('#f-funder_amount').fill('-10');
  await submit(page, 'Ajouter le financeur');
  assert.match(await page.locator('#e-funder_amount').textContent(), /Le montant ne peut pas être négatif/);
  assert.equal(await page.locator('#f-funder_amount').inputValue(), '-10');
  await accessible(page, 'project page with an error');
  await page.locator('#f-funder_amount').fill('8 000');
  await Promise.all([page.waitForURL(/\/projets\/\d+$/), page.getByRole('button', { name: 'Ajouter le financeur' }).click()]);

  // An activity linked to an event the delegation organised (the 20 April 2020 meeting, done, 4 present).
  await page.getByText('Ajouter une activité').click();
  await page.locator('#f-activity_kind').selectOption({ label: 'Café discussion' });
  await page.locator('#f-activity_title').fill('Café discussion du 20 avril');
  await page.locator('#f-activity_planned_on').fill('2020-04-20');
  await page.locator('#f-activity_event_id').selectOption({ label: '20/04/2020 — Réunion des adhérents Île-de-France et Centre-Val de Loire' });
  await Promise.all([page.waitForURL(/\/projets\/\d+$/), page.getByRole('button', { name: "Ajouter l'activité" }).click()]);
  const activities = page.locator('#activities');
  assert.match(await activities.textContent(), /Réunion des adhérents Île-de-France et Centre-Val de Loire/);
  assert.match(await activities.textContent(), /20 avril 2020, 10 h/);
  assert.match(await activities.textContent(), /Réalisée/);
  assert.match(await page.locator('#activities-figure').textContent(), /1 sur 1 prévues/);
  assert.match(await page.locator('#participants-figure').textContent(), /^\s*4 pour un objectif de 25 \(4 présences\)/);
  await accessible(page, 'project page');

  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Rapport pour les financeurs (XLSX)' }).click()]);
  assert.match(download.suggestedFilename(), /^rapport-financeurs-projet-\d+\.xlsx$/);
  const book = readXlsx(readFileSync(await download.path()));
  const summary = Object.fromEntries(book['Synthèse'].slice(1).map((r) => [r[0], r[1]]));
  assert.equal(summary['Projet'], 'Ateliers de la parole en Île-de-France');
  assert.equal(summary['Période'], 'du 01/01/2020 au 31/12/2020');
  assert.equal(summary['Activités réalisées'], '1');
  assert.equal(summary['Participants (personnes distinctes présentes)'], '4');
  assert.equal(book['Financeurs'][1][0], "Fondation Agir pour l'inclusion");
  assert.equal(book['Financeurs'][1][2], '800000');
  rig.assertClean();
});

test('a member reads its working group: members, meetings with their dates, deliverables', async () => {
  const page = await newPage('member');
  await page.getByRole('link', { name: 'Groupes de travail', exact: true }).click();
  await accessible(page, 'working groups list');
  await page.getByRole('link', { name: 'Difficultés de recrutement dans les SIAE' }).click();
  assert.match(await page.locator('#members').textContent(), /Solipass/);
  assert.match(await page.locator('#meetings').textContent(), /8 décembre 2021, 9 h 30/);
  assert.equal(await page.getByText('Ajouter un membre').count(), 0, 'read only');
  await accessible(page, 'working group page (member)');
  rig.assertClean();
});

test('staff see the demo project of seed 004 and the group forms pass axe', async () => {
  const page = await newPage('admin');
  await page.goto(rig.url('/projets?q=participation'));
  await page.getByRole('link', { name: 'Cycle participation : la parole des salariés en insertion' }).click();
  assert.match(await page.locator('#participants-figure').textContent(), /42 pour un objectif de 40/);
  assert.match(await page.locator('#activities-figure').textContent(), /10 sur 10 prévues/);
  await page.goto(rig.url('/groupes-de-travail/nouveau'));
  await accessible(page, 'working group form');
  await page.getByLabel('Intitulé').fill('Groupe sans animateur');
  await submit(page, 'Enregistrer');
  assert.match(await page.locator('#e-organiser_id').textContent(), /Choisissez/);
  await accessible(page, 'working group form with errors');
  rig.assertClean();
});
