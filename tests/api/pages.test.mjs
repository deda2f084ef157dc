// HTML pages through a cookie-keeping client: forms with errors, flash
// messages, list and search, CSV import with its report, CSV/XLSX export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { loginAs, tokenClient, organisationIds, validSiret, badLuhnSiret, DEMO, stopServer } from '../support/api.mjs';

let server, network, admin, api, ids;
before(async () => {
  server = await startServer();
  network = await loginAs(server, 'network');
  admin = await loginAs(server, 'admin');
  api = await tokenClient(server, 'admin');
  ids = await organisationIds(api);
});
after(() => stopServer(server));

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const field = (html, name) => {
  const m = html.match(new RegExp(`<input[^>]* name="${name}"[^>]*>`));
  return m && m[0];
};
const valueOf = (html, name) => {
  const input = field(html, name);
  const m = input && input.match(/ value="([^"]*)"/);
  return m ? unescape(m[1]) : null;
};
const selected = (html, name) => {
  const select = html.match(new RegExp(`<select[^>]* name="${name}"[\\s\\S]*?</select>`))[0];
  const m = select.match(/<option value="([^"]*)" selected>/);
  return m ? m[1] : '';
};
const errorOf = (html, name) => {
  const m = html.match(new RegExp(`<p class="error" id="e-${name}">([^<]*)</p>`));
  return m ? unescape(m[1]) : null;
};
const flashOf = (html) => {
  const m = html.match(/<div class="flash flash-(\w+)" role="status">([^<]*)<\/div>/);
  return m ? { kind: m[1], message: unescape(m[2]) } : null;
};

async function follow(client, res) {
  assert.equal(res.status, 303);
  const location = res.headers.get('location');
  return { location, page: await client.get(location) };
}

test('an organisation form with errors comes back 422 with every error next to its field and every value kept', async () => {
  const form = await network.get('/organisations/nouvelle');
  assert.equal(form.status, 200);
  const siret = badLuhnSiret();
  const typed = {
    _csrf: network.csrfToken, name: '', kind: 'aci', parent_id: String(ids[DEMO.idf]), siret,
    address: '12 rue de l’Égalité', postcode: '13001', commune: 'Montreuil', commune_insee: '93048',
    department: '93', region: '', email: 'pas-une-adresse', phone: '01 02', website: 'https://www.exemple.fr/é?a=1&b="2"',
  };
  const res = await network.post('/organisations', { form: typed });
  assert.equal(res.status, 422);
  const html = await res.text();
  const expected = {
    name: 'Le nom est obligatoire.',
    siret: "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas.",
    postcode: 'Le code postal 13001 ne correspond pas au département 93 (Seine-Saint-Denis).',
    email: "L'adresse e-mail n'est pas valide (exemple : nom@structure.fr).",
    phone: 'Le numéro de téléphone n\'est pas valide (exemple : 01 23 45 67 89 ou +33 1 23 45 67 89).',
    website: "L'adresse du site web n'est pas valide (exemple : https://www.structure.fr).",
  };
  for (const [name, message] of Object.entries(expected)) {
    assert.equal(errorOf(html, name), message, name);
    assert.match(field(html, name), /aria-invalid="true"/, `${name} is marked invalid`);
    assert.match(field(html, name), new RegExp(`aria-describedby="[^"]*e-${name}`), `${name} points to its message`);
    assert.ok(html.includes(`<a href="#f-${name}">`), `the summary links to ${name}`);
  }
  for (const name of ['address', 'commune', 'commune_insee']) {
    assert.equal(errorOf(html, name), null, `no error on ${name}`);
    assert.doesNotMatch(field(html, name), /aria-invalid/);
  }
  for (const name of ['siret', 'address', 'postcode', 'commune', 'commune_insee', 'email', 'phone', 'website'])
    assert.equal(valueOf(html, name), typed[name], `typed ${name} kept`);
  assert.equal(selected(html, 'kind'), 'aci');
  assert.equal(selected(html, 'department'), '93');
  assert.equal(selected(html, 'parent_id'), String(ids[DEMO.idf]));
  assert.match(html, /role="alert"/);
  assert.equal((await api.call('GET', '/api/v1/organisations?q=montreuil')).body.items.some((o) => o.address === typed.address), false);
});

test('a successful creation redirects to the new page with a flash message, shown once', async () => {
  const res = await network.post('/organisations', {
    form: { _csrf: network.csrfToken, name: 'Ressourcerie du Canal', kind: 'aci', parent_id: String(ids[DEMO.idf]),
      siret: validSiret(), postcode: '75019', department: '75', commune: 'Paris' },
  });
  const { location, page } = await follow(network, res);
  assert.match(location, /^\/organisations\/\d+$/);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<h1>Ressourcerie du Canal<\/h1>/);
  assert.deepEqual(flashOf(html), { kind: 'success', message: "L'organisation a été créée." });
  assert.match(html, /Île-de-France/, 'region deduced');
  const again = await (await network.get(location)).text();
  assert.equal(flashOf(again), null, 'the flash is shown once');

  // Editing: the form is filled, the update redirects with its own flash.
  const id = location.split('/').pop();
  const edit = await (await network.get(`/organisations/${id}/modifier`)).text();
  assert.equal(valueOf(edit, 'name'), 'Ressourcerie du Canal');
  assert.equal(selected(edit, 'department'), '75');
  const saved = await network.post(`/organisations/${id}`, {
    form: { _csrf: network.csrfToken, name: 'Ressourcerie du Canal de l’Ourcq', kind: 'aci', parent_id: String(ids[DEMO.idf]), department: '75' },
  });
  const after = await follow(network, saved);
  assert.equal(after.location, location);
  const updated = await after.page.text();
  assert.deepEqual(flashOf(updated), { kind: 'success', message: "L'organisation a été mise à jour." });
  assert.match(updated, /Ressourcerie du Canal de l’Ourcq/);
});

test('a contact form with errors keeps what was typed; a valid one redirects with a flash', async () => {
  const typed = { _csrf: network.csrfToken, first_name: 'Inès', last_name: '', function_title: 'Chargée d’insertion', email: 'ines@', phone: '06 00', mailing_consent: '1' };
  const res = await network.post('/contacts', { form: typed });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.equal(errorOf(html, 'last_name'), 'Le nom est obligatoire.');
  assert.match(errorOf(html, 'email'), /adresse e-mail n'est pas valide/);
  assert.match(errorOf(html, 'phone'), /numéro de téléphone/);
  assert.equal(errorOf(html, 'organisation_ids'), 'Rattachez ce contact à au moins une organisation.');
  for (const name of ['first_name', 'function_title', 'email', 'phone']) assert.equal(valueOf(html, name), typed[name], name);
  assert.match(html, /name="mailing_consent" value="1" checked/);

  const ok = await network.post('/contacts', {
    form: new URLSearchParams([...Object.entries({ ...typed, last_name: 'Haddad', email: 'ines.haddad@exemple.fr', phone: '06 12 34 56 78' }),
      ['organisation_ids', String(ids[DEMO.rebond])], ['organisation_ids', String(ids[DEMO.plie])]]),
  });
  const { location, page } = await follow(network, ok);
  assert.match(location, /^\/contacts\/\d+$/);
  const shown = await page.text();
  assert.deepEqual(flashOf(shown), { kind: 'success', message: 'Le contact a été créé.' });
  assert.match(shown, /Inès Haddad/);
  assert.ok(shown.includes(DEMO.rebond) && shown.includes(DEMO.plie), 'both organisations listed');
  assert.match(shown, /Oui, depuis le \d\d\/\d\d\/\d{4}/);
});

test('the list searches accent-insensitively and pages with "Page suivante" without gaps', async () => {
  const res = await network.get('/organisations?q=ile');
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(html.includes(`>${DEMO.idf}</a>`));
  assert.ok(!html.includes(DEMO.paca));
  assert.match(html, /<input id="q" name="q" type="search" value="ile"/);

  for (let i = 0; i < 45; i++) {
    const r = await api.call('POST', '/api/v1/organisations', { name: `Structure de test ${String(i).padStart(2, '0')}`, kind: 'association', parent_id: ids[DEMO.idf] });
    assert.equal(r.status, 201);
  }
  const total = (await api.call('GET', `/api/v1/organisations?within=${ids[DEMO.idf]}`)).body.total;
  assert.ok(total > 50);
  const seen = [];
  let path = '/organisations';
  for (let pages = 0; path; pages++) {
    assert.ok(pages < 10);
    const page = await (await network.get(path)).text();
    const rows = [...page.matchAll(/<tr><td><a href="\/organisations\/(\d+)">/g)].map((m) => Number(m[1]));
    assert.ok(rows.length <= 50);
    seen.push(...rows);
    const next = page.match(/<a href="([^"]+)" rel="next">/);
    path = next ? unescape(next[1]) : null;
  }
  assert.equal(new Set(seen).size, seen.length, 'no duplicates across pages');
  assert.equal(seen.length, total, 'every organisation of the scope once');
  const filtered = await (await network.get(`/organisations?type=ai&departement=93`)).text();
  assert.deepEqual([...filtered.matchAll(/<tr><td><a href="\/organisations\/\d+">([^<]*)</g)].map((m) => unescape(m[1])), [DEMO.rebond]);
  const tree = await (await network.get(`/organisations/${ids[DEMO.idf]}/arbre`)).text();
  assert.ok(tree.includes(DEMO.rebond) && tree.includes(DEMO.plie));
});

// ---- CSV import ----------------------------------------------------------------

function upload(client, csv, { filename = 'organisations.csv', parent = ids[DEMO.idf], csrf = client.csrfToken } = {}) {
  const fd = new FormData();
  if (csrf) fd.append('_csrf', csrf);
  fd.append('parent_id', String(parent));
  fd.append('file', new Blob([csv], { type: 'text/csv' }), filename);
  return client.request('POST', '/organisations/import', { body: fd });
}

const reportRows = (html) => [...html.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td class="reason">([^<]*)<\/td><\/tr>/g)]
  .map((m) => ({ line: Number(m[1]), column: unescape(m[2]), reason: unescape(m[3]) }));
const importAction = (html) => html.match(/action="(\/organisations\/import\/\d+)"/)[1];

function badCsv(tag) {
  return [
    'nom;type;siret;adresse;code_postal;commune;departement;email',
    `${tag} Un;aci;${validSiret()};1 rue A;75011;Paris;75;un@exemple.fr`,
    `${tag} Deux;aci;${badLuhnSiret()};2 rue B;75011;Paris;75;deux@exemple.fr`,
    `${tag} Trois;licorne;;3 rue C;13001;Marseille;75;trois@exemple`,
    `"${tag} Quatre; avec point-virgule";Entreprise d'insertion (EI);${validSiret()};4 rue D;93100;Montreuil;93;`,
  ].join('\r\n') + '\r\n';
}

async function namesLike(tag) {
  return (await api.call('GET', `/api/v1/organisations?q=${encodeURIComponent(tag)}&limit=200`)).body.items.map((o) => o.name).sort();
}

test('an import with bad lines shows a report: line number, column and reason', async () => {
  const form = await network.get('/organisations/import');
  assert.equal(form.status, 200);
  assert.match(await form.text(), /enctype="multipart\/form-data"/);
  const res = await upload(network, badCsv('Rapport'));
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /Rapport d'import : organisations\.csv|Rapport d&apos;import : organisations\.csv/);
  assert.match(html, /<dd id="valid-count">2<\/dd>/);
  assert.match(html, /<dd id="rejected-count">2<\/dd>/);
  const rows = reportRows(html);
  assert.deepEqual(rows, [
    { line: 3, column: 'siret', reason: "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas." },
    { line: 4, column: 'type', reason: "Choisissez un type d'organisation dans la liste." },
    { line: 4, column: 'code_postal', reason: 'Le code postal 13001 ne correspond pas au département 75 (Paris).' },
    { line: 4, column: 'email', reason: "L'adresse e-mail n'est pas valide (exemple : nom@structure.fr)." },
  ]);
  assert.match(html, /Importer les 2 ligne\(s\) valide\(s\)/);
  assert.match(html, /Ne rien importer/);
  assert.deepEqual(await namesLike('Rapport'), [], 'nothing is imported before the choice');

  // The file name is the user's text: shown escaped.
  const xss = await (await upload(network, badCsv('Nom de fichier'), { filename: '<script>alert(1)</script>.csv' })).text();
  assert.ok(!xss.includes('<script>alert'));
  assert.ok(xss.includes('&lt;script&gt;alert(1)&lt;/script&gt;.csv'));
});

test('"Ne rien importer" creates nothing', async () => {
  const html = await (await upload(network, badCsv('Rien'))).text();
  const res = await network.post(importAction(html), { form: { _csrf: network.csrfToken, choice: 'none' } });
  const { page } = await follow(network, res);
  assert.deepEqual(flashOf(await page.text()), { kind: 'success', message: "Import annulé : aucune organisation n'a été créée." });
  assert.deepEqual(await namesLike('Rien'), []);
  // The same import cannot be confirmed afterwards.
  const late = await network.post(importAction(html), { form: { _csrf: network.csrfToken, choice: 'valid' } });
  assert.equal(late.status, 404);
  assert.deepEqual(await namesLike('Rien'), []);
});

test('"Importer les lignes valides" creates exactly the valid lines', async () => {
  const html = await (await upload(network, badCsv('Valides'))).text();
  // Another user cannot confirm this import.
  const foreign = await admin.post(importAction(html), { form: { _csrf: admin.csrfToken, choice: 'valid' } });
  assert.equal(foreign.status, 404);
  const res = await network.post(importAction(html), { form: { _csrf: network.csrfToken, choice: 'valid' } });
  const { location, page } = await follow(network, res);
  assert.equal(location, '/organisations?tri=recent');
  assert.deepEqual(flashOf(await page.text()), { kind: 'success', message: '2 organisation(s) importée(s) depuis « organisations.csv ».' });
  assert.deepEqual(await namesLike('Valides'), ['Valides Quatre; avec point-virgule', 'Valides Un']);
  const items = (await api.call('GET', `/api/v1/organisations?q=valides`)).body.items;
  const quatre = items.find((o) => o.name.startsWith('Valides Quatre'));
  assert.equal(quatre.kind, 'ei', 'a kind given by its label');
  assert.equal(quatre.parent_id, ids[DEMO.idf], 'attached to the chosen parent');
  assert.equal(quatre.region, '11');
  // Confirming twice does not import twice.
  const twice = await network.post(importAction(html), { form: { _csrf: network.csrfToken, choice: 'valid' } });
  assert.equal(twice.status, 404);
  assert.equal((await namesLike('Valides')).length, 2);
});

test('a file with commas, a BOM and a parent named by SIRET is read as well', async () => {
  const parentSiret = validSiret();
  const csv = '\uFEFFNom,Type,SIRET,Parent_SIRET,Code postal,Colonne inconnue\n' +
    `Virgule Mère,plie,${parentSiret},,44000,x\n` +
    `Virgule Fille,ai,,${parentSiret},44000,y\n`;
  const html = await (await upload(admin, csv, { parent: ids[DEMO.pdl] })).text();
  assert.match(html, /<dd id="valid-count">2<\/dd>/);
  assert.match(html, /<dd id="rejected-count">0<\/dd>/);
  assert.match(html, /Colonne inconnue/, 'unknown columns are listed as ignored');
  const res = await admin.post(importAction(html), { form: { _csrf: admin.csrfToken, choice: 'valid' } });
  assert.equal(res.status, 303);
  const items = (await api.call('GET', '/api/v1/organisations?q=virgule')).body.items;
  const mere = items.find((o) => o.name === 'Virgule Mère');
  const fille = items.find((o) => o.name === 'Virgule Fille');
  assert.equal(mere.parent_id, ids[DEMO.pdl]);
  assert.equal(fille.parent_id, mere.id, 'parent found by its SIRET in the same file');
  assert.equal(fille.department, '44', 'department deduced from the postcode');
});

test('a file with a missing required column, a quote left open or another encoding gets a clear French error', async () => {
  const cases = [
    ['nom;siret\nSans type;\n', /Colonne obligatoire absente : « type »/],
    ['nom;type\n"Guillemet ouvert;aci\nAutre;ei\n', /Ligne 2 : guillemet ouvert jamais refermé\./],
    [Buffer.from('nom;type\nAssociation Élan;association\n', 'latin1'), /Ligne 2 : le fichier n(&apos;|')est pas encodé en UTF-8\./],
    ['nom;type\n', /Le fichier ne contient aucune ligne de données après l(&apos;|')en-tête\./],
    ['', /Choisissez un fichier CSV à importer\./],
  ];
  for (const [csv, message] of cases) {
    const res = await upload(network, csv);
    assert.equal(res.status, 422, String(message));
    const html = await res.text();
    assert.match(html, message);
    assert.match(html, /role="alert"/);
    assert.match(html, /enctype="multipart\/form-data"/, 'the upload form is shown again');
  }
  const big = await upload(network, 'nom;type\n' + 'Ligne;ai\n'.repeat(700000));
  assert.equal(big.status, 413);
  assert.match(await big.text(), /Le fichier dépasse 5 Mo\. Découpez-le en plusieurs fichiers\./);
  const noParent = await upload(network, badCsv('Hors'), { parent: ids[DEMO.paca] });
  assert.equal(noParent.status, 404, 'a default parent outside the scope');
  const noCsrf = await upload(network, badCsv('Jeton'), { csrf: null });
  assert.equal(noCsrf.status, 403);
  assert.deepEqual(await namesLike('Guillemet'), []);
});

// ---- Export ------------------------------------------------------------------

test('CSV export: UTF-8 BOM, ";" header line, filters applied; sep=virgule gives commas', async () => {
  const res = await network.get('/organisations/export.csv?q=ile');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(res.headers.get('content-disposition'), /attachment; filename="organisations\.csv"/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
  const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'id;nom;type;siret;adresse;code_postal;commune;code_insee;departement;region;parent_siret;email;telephone;site_web;parent;cree_le');
  assert.ok(lines.some((l) => l.includes(DEMO.idf)));
  assert.ok(lines.slice(1).every((l) => /[iî]le/i.test(l)), 'only the rows matching the search');
  const idfRow = lines.find((l) => l.split(';')[1] === DEMO.idf).split(';');
  assert.equal(idfRow[2], 'delegation');
  assert.equal(idfRow[5], '75011');

  const comma = await network.get('/organisations/export.csv?q=ile&sep=virgule');
  const text = Buffer.from(await comma.arrayBuffer()).toString('utf8').replace(/^\uFEFF/, '');
  assert.ok(text.startsWith('id,nom,type,siret,adresse,code_postal,commune,'));
  assert.equal(text.split('\r\n').filter(Boolean).length, lines.length, 'same rows');
});

test('XLSX export is a real workbook (a ZIP starting with "PK")', async () => {
  const res = await network.get('/organisations/export.xlsx');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(res.headers.get('content-disposition'), /organisations\.xlsx/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'has a worksheet');
  assert.ok(bytes.length > 1000);
});

test('the home page counts what is in the scope; the account page lists roles', async () => {
  const home = await (await network.get('/')).text();
  assert.match(home, /Bonjour Nadia Chargée de mission/);
  assert.match(home, /organisations dans votre périmètre/);
  const account = await (await network.get('/compte')).text();
  assert.match(account, /network@demo\.passerelle\.fr/);
  assert.ok(account.includes(DEMO.idf));
});
