// Resource library API and pages (issue 6) against the real binary on the demo
// of seeds 000 and 003: anonymous callers see public published resources only;
// a staff-only, another region's or a draft resource answers 404 to a member
// (list, search, by id, files); writing needs the staff role (403) and the
// author's subtree (404 for staff of another delegation); bad input answered in
// French (problem+json for the API, the form sent back with what was typed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, loginAs, tokenClient, stopServer } from '../support/api.mjs';
import { startServer } from '../support/server.mjs';

let server, admin, network, member, partner, anonymous, networkPage, memberPage;
const unescape = (s) => s.replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
const csrfOf = (html) => html.match(/name="_csrf" value="([^"]+)"/)[1];

before(async () => {
  server = await startServer();
  admin = await tokenClient(server, 'admin');
  network = await tokenClient(server, 'network');
  member = await tokenClient(server, 'member');
  partner = await tokenClient(server, 'partner');
  anonymous = new ApiClient(server.url);
  networkPage = await loginAs(server, 'network');
  memberPage = await loginAs(server, 'member');
});
after(() => stopServer(server));

async function all(client, query = '') {
  const items = [];
  let after = '';
  for (let page = 0; page < 50; page++) {
    const res = await client.call('GET', `/api/v1/resources?limit=5${query}${after ? '&after=' + encodeURIComponent(after) : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    items.push(...res.body.items);
    if (!res.body.next) return items;
    after = res.body.next;
  }
  throw new Error('pagination never ended');
}
const titled = (items, start) => items.find((r) => r.title.startsWith(start));

test('anonymous visitors read the public resources, the two notes of seed 000 among them', async () => {
  const items = await all(anonymous);
  assert.ok(items.length >= 10);
  assert.ok(items.every((r) => r.audience === 'public' && r.status === 'published'));
  const direccte = titled(items, 'Note du Grafie à la Direccte');
  assert.equal(direccte.published_on, '2020-03-31');
  assert.ok(titled(items, 'Note du Grafie au Conseil régional'));
  const one = await anonymous.call('GET', `/api/v1/resources/${direccte.id}`);
  assert.equal(one.status, 200);
  assert.match(one.body.body_html, /<strong>Grafie<\/strong>/);
  const page = await anonymous.get(`/ressources/${direccte.id}`);
  assert.equal(page.status, 200);
  const html = unescape(await page.text());
  assert.match(html, /Publiée le <span id="published-on">31\/03\/2020<\/span>/);
  assert.match(html, /<h2>Objet<\/h2>/);
  const list = unescape(await (await anonymous.get('/ressources?q=grafie')).text());
  assert.match(list, /Note du Grafie à la Direccte/);
  assert.doesNotMatch(list, /cellule de crise/, 'a members resource is not listed for anonymous visitors');
});

test('a member never sees a staff-only, another region\'s or a draft resource: not in lists, search, by id or API', async () => {
  const staffItems = await all(admin);
  const internal = titled(staffItems, 'Note interne : organisation de la hotline');
  const region = titled(staffItems, 'Fiche pratique : accompagner les publics');
  const draft = titled(staffItems, 'Préparer la reprise des chantiers');
  const members = titled(staffItems, 'La cellule de crise du Grafie');
  assert.equal(internal.audience, 'staff');
  assert.equal(region.region, '11');
  assert.equal(draft.status, 'draft');
  const mine = await all(member);
  const ids = new Set(mine.map((r) => r.id));
  for (const r of [internal, region, draft]) {
    assert.ok(!ids.has(r.id), `${r.title} is hidden from the member`);
    assert.equal((await member.call('GET', `/api/v1/resources/${r.id}`)).status, 404);
    assert.equal((await memberPage.get(`/ressources/${r.id}`)).status, 404);
    assert.equal((await anonymous.call('GET', `/api/v1/resources/${r.id}`)).status, 404);
  }
  assert.ok(ids.has(members.id));
  assert.equal((await anonymous.call('GET', `/api/v1/resources/${members.id}`)).status, 404);
  const search = await member.call('GET', '/api/v1/resources?q=note%20interne');
  assert.deepEqual(search.body.items, []);
  const listed = await (await memberPage.get('/ressources?q=interne')).text();
  assert.doesNotMatch(listed, /Note interne/);
  // The Île-de-France staff read the federation's internal note and their region's sheet.
  const idf = new Set((await all(network)).map((r) => r.id));
  assert.ok(idf.has(internal.id) && idf.has(region.id) && idf.has(draft.id));
});

test('search is accent-insensitive, ranked, filtered; pedagogical resources are tagged', async () => {
  let res = await member.call('GET', '/api/v1/resources?q=ALIMENTAIRE');
  assert.equal(res.body.items[0].title, 'Où trouver une aide alimentaire pendant le confinement');
  res = await member.call('GET', '/api/v1/resources?q=epiceries');
  assert.equal(res.body.items.length, 1);
  res = await member.call('GET', '/api/v1/resources?pedagogical=true&limit=100');
  assert.ok(res.body.items.length >= 9);
  assert.ok(res.body.items.every((r) => r.pedagogical && r.topic));
  res = await member.call('GET', '/api/v1/resources?topic=legal_aid');
  assert.deepEqual(res.body.items.map((r) => r.title), ['Appui juridique gratuit : les points d\'accès au droit']);
  res = await member.call('GET', '/api/v1/resources?kind=letter');
  assert.ok(res.body.items.every((r) => r.kind === 'letter'));
  res = await member.call('GET', '/api/v1/resources?theme=plaidoyer');
  assert.equal(res.body.items.length, 2);
  res = await member.call('GET', '/api/v1/resources?from=2020-03-31&to=2020-04-06&q=grafie');
  assert.equal(res.body.items.length, 2);
  for (const bad of ['kind=poster', 'from=31/03/2020', 'after=xyz', 'topic=nope', 'limit=abc']) {
    res = await member.call('GET', `/api/v1/resources?${bad}`);
    assert.equal(res.status, 400, bad);
    assert.match(res.type, /problem\+json/);
  }
});

test('staff create, publish and attach a file; members find it; others may not write', async () => {
  let res = await network.call('POST', '/api/v1/resources', {
    kind: 'sheet', title: 'Fiche : équipements de protection sur les chantiers', audience: 'members',
    body_markdown: 'Gel, **gants** et masques.\n\n[piège](javascript:alert(1)) <script>alert(1)</script>',
    themes: ['mesures sanitaires'], published_on: '2020-05-04',
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  assert.equal(res.body.status, 'draft');
  assert.doesNotMatch(res.body.body_html, /<script|javascript:/i);
  assert.equal((await member.call('GET', `/api/v1/resources/${id}`)).status, 404, 'a draft is for staff only');
  assert.equal((await member.call('POST', `/api/v1/resources/${id}/publish`)).status, 403);
  assert.equal((await partner.call('GET', `/api/v1/resources/${id}`)).status, 404);
  res = await network.call('POST', `/api/v1/resources/${id}/publish`);
  assert.equal(res.body.status, 'published');
  res = await member.call('GET', '/api/v1/resources?q=equipements%20protection');
  assert.equal(res.body.items[0].id, id, 'the title ranks first (the note to the Direccte mentions them in its body)');

  const pdf = Buffer.from('%PDF-1.4 fiche');
  res = await network.request('POST', `/api/v1/resources/${id}/files?filename=fiche.pdf`,
    { body: pdf, headers: { 'content-type': 'application/pdf', accept: 'application/json' } });
  assert.equal(res.status, 201);
  const file = (await res.json()).files[0];
  const dl = await member.request('GET', file.url);
  assert.equal(dl.status, 200);
  assert.equal(Buffer.from(await dl.arrayBuffer()).toString(), '%PDF-1.4 fiche');
  res = await network.request('POST', `/api/v1/resources/${id}/files?filename=outil.exe`,
    { body: Buffer.from('MZ'), headers: { accept: 'application/json' } });
  assert.equal(res.status, 422);
  assert.match((await res.json()).errors[0].message, /Type de fichier non accepté/);

  // Another role, another organisation.
  assert.equal((await member.call('POST', '/api/v1/resources', { kind: 'note', title: 'x' })).status, 403);
  assert.equal((await partner.call('POST', '/api/v1/resources', { kind: 'note', title: 'x' })).status, 403);
  assert.equal((await anonymous.call('POST', '/api/v1/resources', { kind: 'note', title: 'x' })).status, 401);
  assert.equal((await member.call('PUT', `/api/v1/resources/${id}`, { title: 'x' })).status, 403);
  const fedDraft = await admin.call('POST', '/api/v1/resources', { kind: 'note', title: 'Note de la fédération', audience: 'staff' });
  assert.equal(fedDraft.status, 201);
  assert.equal((await network.call('PUT', `/api/v1/resources/${fedDraft.body.id}`, { title: 'x' })).status, 404,
    'the delegation does not edit the federation\'s resource');
  assert.equal((await network.call('POST', `/api/v1/resources/${fedDraft.body.id}/publish`)).status, 404);
  assert.equal((await network.request('POST', `/api/v1/resources/${fedDraft.body.id}/files?filename=a.pdf`,
    { body: pdf })).status, 404);
  res = await admin.call('PUT', `/api/v1/resources/${id}`, { title: 'Fiche : équipements de protection (mise à jour)' });
  assert.equal(res.status, 200, 'the federation manages its delegations\' resources');
  assert.equal(res.body.title, 'Fiche : équipements de protection (mise à jour)');
  res = await network.call('POST', '/api/v1/resources', { kind: 'note', title: 'x', author_organisation_id: fedDraft.body.author_organisation_id });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.errors.map((e) => e.field), ['author_organisation_id']);
  assert.equal(res.body.errors[0].message, 'Structure introuvable dans votre périmètre.');
});

test('bad API input: problem+json listing every field in French', async () => {
  const res = await network.call('POST', '/api/v1/resources', { kind: 'poster', title: '', audience: 'region',
    published_on: '2020-02-30', video_url: 'javascript:alert(1)', pedagogical: true });
  assert.equal(res.status, 422);
  assert.match(res.type, /problem\+json/);
  const fields = Object.fromEntries(res.body.errors.map((e) => [e.field, e.message]));
  assert.equal(fields.kind, 'Type de ressource inconnu.');
  assert.equal(fields.title, 'Le titre est obligatoire.');
  assert.equal(fields.region, 'Choisissez la région des adhérents destinataires.');
  assert.match(fields.published_on, /date valide/);
  assert.match(fields.video_url, /https:\/\//);
  assert.match(fields.topic, /thème pédagogique/);
  assert.equal((await network.call('POST', '/api/v1/resources', '{"kind":')).status, 400);
});

test('the form comes back with every error next to its field and what was typed; a forbidden file explained', async () => {
  const form = await (await networkPage.get('/ressources/nouvelle')).text();
  const fd = new FormData();
  fd.set('_csrf', csrfOf(form));
  fd.set('kind', '');
  fd.set('title', 'Note sur la reprise <b>des chantiers</b>');
  fd.set('audience', 'region');
  fd.set('published_on', '2020-13-01');
  fd.set('themes', 'reprise');
  fd.set('file', new Blob([Buffer.from('MZ')]), 'outil.exe');
  const res = await networkPage.post('/ressources', { body: fd });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /<p class="error" id="e-kind">Choisissez le type de ressource\.<\/p>/);
  assert.match(html, /<p class="error" id="e-region">Choisissez la région des adhérents destinataires\.<\/p>/);
  assert.match(unescape(html), /id="e-published_on">La date de publication n'est pas une date valide/);
  assert.match(unescape(html), /id="e-file">Type de fichier non accepté \(\.exe\)/);
  assert.match(html, /value="Note sur la reprise &lt;b&gt;des chantiers&lt;\/b&gt;"/);
  assert.match(html, /value="reprise"/);
  // Too big a file: the French message.
  const fd2 = new FormData();
  fd2.set('_csrf', csrfOf(form));
  fd2.set('kind', 'note');
  fd2.set('title', 'Gros fichier');
  fd2.set('audience', 'members');
  fd2.set('published_on', '2020-05-01');
  fd2.set('file', new Blob([Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(8 * 1024 * 1024)])]), 'gros.pdf');
  const big = await networkPage.post('/ressources', { body: fd2 });
  assert.equal(big.status, 422);
  assert.match(unescape(await big.text()), /Le fichier « gros\.pdf » dépasse 8 Mo/);
  // Members may not open the form.
  assert.equal((await memberPage.get('/ressources/nouvelle')).status, 403);
});

test('a staff member publishes through the form; the page shows the date the French way; export CSV and XLSX', async () => {
  const form = await (await networkPage.get('/ressources/nouvelle')).text();
  const fd = new FormData();
  fd.set('_csrf', csrfOf(form));
  fd.set('kind', 'article');
  fd.set('title', 'Webinaire accompagnement des publics du 7 mai');
  fd.set('audience', 'members');
  fd.set('published_on', '2020-05-07');
  fd.set('body', 'Les CIP ont partagé leurs **pratiques**.');
  fd.set('themes', 'webinaire, accompagnement');
  fd.set('publish', '1');
  fd.set('file', new Blob([Buffer.from('%PDF-1.4 synthese')]), 'synthese.pdf');
  const res = await networkPage.post('/ressources', { body: fd });
  assert.equal(res.status, 303);
  const location = res.headers.get('location');
  const page = unescape(await (await memberPage.get(location)).text());
  assert.match(page, /Publiée le <span id="published-on">07\/05\/2020<\/span>/);
  assert.match(page, /<strong>pratiques<\/strong>/);
  assert.match(page, /synthese\.pdf/);
  assert.doesNotMatch(page, /Modifier/, 'a member does not manage it');
  const csv = await memberPage.get('/ressources/export?format=csv&q=webinaire');
  assert.equal(csv.status, 200);
  const body = await csv.text();
  assert.match(body, /Numéro;Titre;Type;Publiée le/);
  assert.match(body, /Webinaire accompagnement des publics du 7 mai;Article;07\/05\/2020/);
  const xlsx = await memberPage.get('/ressources/export?format=xlsx');
  assert.equal(xlsx.status, 200);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  assert.equal((await anonymous.get('/ressources/export?format=csv')).status, 303, 'exports need an account');
  // Edit form of another delegation's staff: 404; of a member: 403.
  const id = location.split('/').pop();
  assert.equal((await memberPage.get(`/ressources/${id}/modifier`)).status, 403);
  assert.equal((await networkPage.get(`/ressources/${id}/modifier`)).status, 200);
});

test('FAQ answers link resources: staff pick them on the edit page, readers see only those they may read', async () => {
  const faq = (await member.call('GET', '/api/v1/faq?q=activite%20partielle')).body.items[0];
  let page = unescape(await (await memberPage.get(`/faq/${faq.id}`)).text());
  assert.match(page, /Pour aller plus loin/);
  assert.match(page, /Synthèse du webinaire paie et activité partielle/, 'the demo links the webinar synthesis');
  const internal = titled(await all(admin), 'Note interne : organisation de la hotline');
  const synthesis = titled(await all(member), 'Synthèse du webinaire paie');
  const edit = await (await networkPage.get(`/faq/${faq.id}/modifier`)).text();
  assert.match(edit, new RegExp(`name="resource_ids" value="${synthesis.id}" checked`));
  const form = new URLSearchParams();
  form.set('_csrf', csrfOf(edit));
  form.set('title', faq.title);
  form.set('answer', faq.answer);
  form.set('publish', '1');
  form.append('resource_ids', String(synthesis.id));
  form.append('resource_ids', String(internal.id));
  const res = await networkPage.post(`/faq/${faq.id}`, { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303);
  const staffView = unescape(await (await networkPage.get(`/faq/${faq.id}`)).text());
  assert.match(staffView, /Note interne : organisation de la hotline/);
  page = unescape(await (await memberPage.get(`/faq/${faq.id}`)).text());
  assert.match(page, /Synthèse du webinaire paie/);
  assert.doesNotMatch(page, /Note interne/, 'a staff-only resource never shows to a member');
  const api = await member.call('GET', `/api/v1/faq/${faq.id}`);
  assert.deepEqual(api.body.resources.map((r) => r.id), [synthesis.id], 'the API shows the member only what they may read');
  const staffApi = await network.call('GET', `/api/v1/faq/${faq.id}`);
  assert.equal(staffApi.body.resources.length, 2);
});

test('the OpenAPI document describes the resource library', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  for (const p of ['/api/v1/resources', '/api/v1/resources/{id}', '/api/v1/resources/{id}/publish',
    '/api/v1/resources/{id}/archive', '/api/v1/resources/{id}/files', '/api/v1/resources/{id}/files/{file_id}'])
    assert.ok(doc.paths[p], p);
  assert.ok(doc.paths['/api/v1/resources'].post && doc.paths['/api/v1/resources/{id}'].put);
  assert.deepEqual(doc.components.schemas.Resource.properties.kind.enum.length, 7);
});

test('every write page refuses a member (403) and another delegation\'s staff (404)', async () => {
  const fed = await admin.call('POST', '/api/v1/resources', { kind: 'note', title: 'Note de la fédération (pages)', audience: 'members', publish: true });
  assert.equal(fed.status, 201);
  const id = fed.body.id;
  const fileRes = await admin.request('POST', `/api/v1/resources/${id}/files?filename=note.pdf`,
    { body: Buffer.from('%PDF-1.4 note'), headers: { accept: 'application/json' } });
  const fileId = (await fileRes.json()).files[0].id;
  const memberCsrf = csrfOf(await (await memberPage.get('/ressources')).text());
  const networkCsrf = csrfOf(await (await networkPage.get('/ressources')).text());
  const writes = [`/ressources/${id}`, `/ressources/${id}/publier`, `/ressources/${id}/archiver`,
    `/ressources/${id}/fichiers`, `/ressources/${id}/fichiers/${fileId}/supprimer`];
  for (const path of writes) {
    assert.equal((await memberPage.post(path, { form: { _csrf: memberCsrf, title: 'x' } })).status, 403, path);
    assert.equal((await networkPage.post(path, { form: { _csrf: networkCsrf, title: 'x' } })).status, 404, path);
  }
  assert.equal((await networkPage.get(`/ressources/${id}/modifier`)).status, 404);
  assert.equal((await memberPage.post('/ressources', { form: { _csrf: memberCsrf, title: 'x' } })).status, 403);
  // Reading is allowed to both (members audience); the file still there.
  assert.equal((await memberPage.get(`/ressources/${id}/fichiers/${fileId}`)).status, 200);
  assert.equal((await anonymous.get(`/ressources/${id}/fichiers/${fileId}`)).status, 404, 'not public: no file for anonymous visitors');
  assert.equal((await anonymous.get(`/ressources/${id}`)).status, 404);
});
