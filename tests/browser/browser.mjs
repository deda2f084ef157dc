// Shared rig of the browser suites: the real server (tests/support/server.mjs),
// Debian's Chromium driven by playwright-core, a logged-in page, axe-core,
// screenshots. Not a test file itself (node --test runs *.test.mjs only).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, requireWeb, DEMO_PASSWORD, demoEmail } from '../support/server.mjs';

export { DEMO_PASSWORD, demoEmail };

const { chromium } = requireWeb('playwright-core');
const AXE_SOURCE = readFileSync(requireWeb.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.PASSERELLE_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = process.env.PASSERELLE_TEST_ARTIFACTS || join(tmpdir(), 'passerelle-browser');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// One server and one browser per test file; `env` is added to the server's
// environment (e.g. PASSERELLE_SMTP_URL).
export async function startRig({ env } = {}) {
  const server = await startServer({ env });
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  } catch (e) {
    await server.stop();
    throw e;
  }
  const contexts = [];
  return {
    server,
    browser,
    url: (path) => server.url + path,
    // A French-speaking visitor. Every page opened in it is watched: a script
    // error, a Content-Security-Policy violation, a server error or a missing
    // asset fails the test at `rig.assertClean()`.
    async newContext(options = {}) {
      const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris',
        viewport: { width: 1280, height: 900 }, ...options });
      const problems = [];
      context.on('page', (page) => watch(page, problems));
      context.problems = problems;
      contexts.push(context);
      return context;
    },
    problems: () => contexts.flatMap((c) => c.problems),
    assertClean() {
      const all = contexts.flatMap((c) => c.problems.splice(0));
      assert.deepEqual(all, [], 'no script error, CSP violation, 5xx or missing asset');
    },
    async stop() {
      try { await browser.close(); } finally {
        const status = await server.stop();
        assert.equal(status.code, 0, `the server stops cleanly (signal ${status.signal})`);
      }
    },
  };
}

function watch(page, problems) {
  page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // A document answered 4xx (422 form, 404 page) is logged as "Failed to load
    // resource"; those statuses are checked by the tests themselves, and a
    // sub-resource that fails is caught below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    const isDocument = r.request().resourceType() === 'document';
    if (r.status() >= 500 || (!isDocument && r.status() >= 400 && !r.request().headers()['hx-request']))
      problems.push(`${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
}

// Logs in through the login form; returns the page on the home page.
export async function login(rig, page, role) {
  await page.goto(rig.url('/login'));
  await page.getByLabel('Adresse e-mail').fill(demoEmail(role));
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL(rig.url('/')), page.getByRole('button', { name: 'Se connecter' }).click()]);
  return page;
}

// Navigates and returns the HTTP status of the document.
export async function visit(rig, page, path) {
  const res = await page.goto(rig.url(path));
  return res.status();
}

// Runs axe-core on the page as it is. The source is evaluated through the
// DevTools protocol (page.evaluate), which the page's CSP does not govern, so
// the server's CSP stays strict during the check (no bypassCSP).
export async function axeViolations(page, impacts = ['serious', 'critical']) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`),
  }));
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

// Screenshots of the whole page at desktop and phone widths; returns the paths.
export async function screenshots(page, name) {
  const paths = [];
  const before = page.viewportSize();
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    const path = artifact(`${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  await page.setViewportSize(before);
  return paths;
}

// Horizontal overflow of the document (WCAG 1.4.10 reflow): 0 when nothing
// but the wide tables' own scroll boxes would scroll sideways.
export function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// A SIRET with a valid Luhn key: 13 digits + the key.
export function siret(first13) {
  assert.match(first13, /^\d{13}$/);
  for (let key = 0; key < 10; ++key) {
    const s = first13 + key;
    let sum = 0;
    for (let i = 0; i < 14; ++i) {
      let d = Number(s[13 - i]);
      if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

// The text of every cell of a table body, row by row.
export function tableRows(locator) {
  return locator.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim().replace(/\s+/g, ' '))));
}
