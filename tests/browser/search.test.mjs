// Searching the organisations: live filter with htmx (no page reload,
// accent-insensitive), kind filter, and the same results without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, login, screenshots, horizontalOverflow } from './browser.mjs';

let rig, context, page;
before(async () => {
  rig = await startRig();
  context = await rig.newContext();
  page = await context.newPage();
  await login(rig, page, 'admin'); // the whole network: 36 demo organisations + the 7 employers of the employment demo
                                   // + the 2 foundations of the funded project's demo
});
after(async () => { await rig?.stop(); });

const names = () => page.locator('#results tbody tr td:first-child a').allTextContents();
const kinds = () => page.locator('#results tbody tr td:nth-child(2)').allTextContents();
const summary = async (p = page) => (await p.locator('#results > p.lead').textContent()).replace(/\s+/g, ' ').trim();

// Waits until htmx has swapped in the answer to a request whose URL matches.
async function liveRequest(match, action) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().headers()['hx-request'] === 'true' && match.test(r.url())),
    action(),
  ]);
  assert.equal(res.status(), 200);
  await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling'));
}

let liveNames;

test('the list shows every organisation of the scope', async () => {
  await page.getByRole('link', { name: 'Organisations', exact: true }).click();
  await page.waitForURL(rig.url('/organisations'));
  assert.match(await summary(), /^45 organisations/);
  assert.equal((await names()).length, 45);
  await screenshots(page, 'organisations-list');
  await page.setViewportSize({ width: 375, height: 800 });
  assert.equal(await horizontalOverflow(page), 0, 'the list fits a 375 px wide phone');
  // On a phone the long list keeps name, type and commune.
  assert.ok(await page.getByRole('columnheader', { name: 'Commune' }).isVisible());
  assert.ok(!(await page.getByRole('columnheader', { name: 'Rattachement' }).isVisible()));
  await page.setViewportSize({ width: 1280, height: 900 });
  rig.assertClean();
});

test('typing "ile" filters live, without reloading, ignoring accents', async () => {
  await page.evaluate(() => { window.__samePage = true; });
  await liveRequest(/[?&]q=ile(&|$)/, () => page.getByLabel('Rechercher').pressSequentially('ile', { delay: 60 }));

  liveNames = await names();
  assert.ok(liveNames.includes('Délégation Île-de-France'), liveNames.join(', '));
  assert.ok(liveNames.includes('GEIQ BTP Île-de-France'));
  assert.ok(!liveNames.includes('Solipass') && !liveNames.includes('Marseille Recyclage'));
  assert.ok(liveNames.length < 45);
  // Every row matches: "ile" in the name or the commune, accents aside.
  const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const rows = await page.locator('#results tbody tr').allTextContents();
  assert.ok(rows.every((r) => fold(r).includes('ile')), rows.join('\n'));

  assert.equal(await page.evaluate(() => window.__samePage), true, 'the page was not reloaded');
  assert.equal(await page.getByLabel('Rechercher').inputValue(), 'ile', 'what was typed stays');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'ile', 'the address can be bookmarked');
  assert.equal(await summary(), `${liveNames.length} organisations — exporter : CSV (;), CSV (,), Excel (XLSX)`);
  // Screen readers hear the new count.
  assert.equal(await page.locator('#results-status').textContent(), `${liveNames.length} résultat(s)`);
  rig.assertClean();
});

test('a kind filter narrows the list', async () => {
  await liveRequest(/type=delegation/, () => page.getByLabel('Type').selectOption({ label: 'Délégation régionale' }));
  const narrowed = await names();
  assert.ok(narrowed.includes('Délégation Île-de-France'));
  assert.ok(narrowed.length < liveNames.length && narrowed.length > 0);
  assert.ok((await kinds()).every((k) => k === 'Délégation régionale'), (await kinds()).join(', '));
  assert.equal(await page.evaluate(() => window.__samePage), true, 'still the same page');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('q'), 'ile');
  assert.equal(url.searchParams.get('type'), 'delegation');
  assert.equal(await page.locator('#results-status').textContent(), `${narrowed.length} résultat(s)`);

  // Another search term for the same filter, still live.
  await page.getByLabel('Rechercher').fill('');
  await liveRequest(/[?&]q=LOIRE/, () => page.getByLabel('Rechercher').pressSequentially('LOIRE', { delay: 40 }));
  assert.deepEqual((await names()).sort(), ['Délégation Centre-Val de Loire', 'Délégation Pays de la Loire']);
  assert.equal(await page.evaluate(() => window.__samePage), true);
  rig.assertClean();
});

test('without JavaScript the same form works by submitting it', async () => {
  const noJs = await rig.newContext({ javaScriptEnabled: false, storageState: await context.storageState() });
  const p = await noJs.newPage();
  await p.goto(rig.url('/organisations'));
  assert.equal(await p.locator('#results tbody tr').count(), 45);
  await p.getByLabel('Rechercher').fill('ile');
  await Promise.all([p.waitForURL(/\/organisations\?q=ile&/), p.getByRole('button', { name: 'Filtrer' }).click()]);
  const found = await p.locator('#results tbody tr td:first-child a').allTextContents();
  assert.deepEqual(found, liveNames, 'the same results as the live search');
  assert.equal(await p.getByLabel('Rechercher').inputValue(), 'ile');

  await p.getByLabel('Type').selectOption({ label: 'Délégation régionale' });
  await Promise.all([p.waitForURL(/type=delegation/), p.getByRole('button', { name: 'Filtrer' }).click()]);
  const narrowed = await p.locator('#results tbody tr td:first-child a').allTextContents();
  assert.ok(narrowed.includes('Délégation Île-de-France') && narrowed.length < found.length);
  assert.ok((await p.locator('#results tbody tr td:nth-child(2)').allTextContents()).every((k) => k === 'Délégation régionale'));
  assert.equal(await p.getByLabel('Type').inputValue(), 'delegation', 'the chosen filter stays selected');
  assert.match(await summary(p), new RegExp(`^${narrowed.length} organisation`));
  await noJs.close();
  rig.assertClean();
});

test('a search with no result says so', async () => {
  await page.goto(rig.url('/organisations'));
  await liveRequest(/q=zzz/, () => page.getByLabel('Rechercher').pressSequentially('zzz', { delay: 40 }));
  assert.equal((await page.locator('#results tbody').textContent()).trim(), 'Aucune organisation ne correspond à ces critères.');
  assert.match(await summary(), /^0 organisation/);
  rig.assertClean();
});
