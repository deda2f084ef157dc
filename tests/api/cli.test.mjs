// The administrator's command line against the database of a running server:
// import, export, backup, accounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client } from '../support/server.mjs';
import { ApiClient, tokenClient, organisationIds, validSiret, badLuhnSiret, DEMO, stopServer } from '../support/api.mjs';

let server, api, ids, dir;
before(async () => {
  server = await startServer();
  api = await tokenClient(server, 'admin');
  ids = await organisationIds(api);
  dir = mkdtempSync(join(tmpdir(), 'passerelle-cli-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await stopServer(server);
});

const file = (name, content) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const namesLike = async (q) =>
  (await api.call('GET', `/api/v1/organisations?q=${encodeURIComponent(q)}&limit=200`)).body.items.map((o) => o.name).sort();

function csvWithBadLines(tag) {
  return [
    'nom;type;siret;code_postal;departement;email',
    `${tag} Un;aci;${validSiret()};75011;75;un@exemple.fr`,
    `${tag} Deux;ei;${badLuhnSiret()};75011;75;`,
    `${tag} Trois;aci;;13001;75;trois@`,
    `${tag} Quatre;association;${validSiret()};93100;93;`,
  ].join('\n') + '\n';
}

test('import without --valid-only: nothing imported, exit 1, the report on stderr', async () => {
  const path = file('bad.csv', csvWithBadLines('Ligne de commande'));
  const out = await server.cli(['import', 'organisations', path, '--parent', String(ids[DEMO.idf])]);
  assert.equal(out.code, 1);
  const report = out.stderr.trim().split('\n');
  assert.deepEqual(report, [
    "ligne 3 ; siret ; Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas.",
    'ligne 4 ; code_postal ; Le code postal 13001 ne correspond pas au département 75 (Paris).',
    "ligne 4 ; email ; L'adresse e-mail n'est pas valide (exemple : nom@structure.fr).",
  ]);
  assert.match(out.stdout, /4 lignes lues, 2 valides, 2 rejetées\./);
  assert.match(out.stdout, /Rien n'a été importé\..*--valid-only/);
  assert.deepEqual(await namesLike('Ligne de commande'), []);
});

test('import with --valid-only: exactly the valid lines are imported, under --parent', async () => {
  const path = file('bad2.csv', csvWithBadLines('Valide seulement'));
  const out = await server.cli(['import', 'organisations', path, '--valid-only', '--parent', String(ids[DEMO.idf])]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /2 organisation\(s\) importée\(s\)\./);
  assert.match(out.stderr, /^ligne 3 ; siret ;/m, 'the rejected lines are still reported');
  assert.deepEqual(await namesLike('Valide seulement'), ['Valide seulement Quatre', 'Valide seulement Un']);
  const within = await api.call('GET', `/api/v1/organisations?within=${ids[DEMO.idf]}&q=${encodeURIComponent('valide seulement')}`);
  assert.equal(within.body.total, 2);
  // A clean file is imported without the flag.
  const clean = file('clean.csv', `nom;type\nImpeccable Un;ai\nImpeccable Deux;ei\n`);
  const ok = await server.cli(['import', 'organisations', clean, '--parent', String(ids[DEMO.paca])]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stderr, '');
  assert.deepEqual(await namesLike('Impeccable'), ['Impeccable Deux', 'Impeccable Un']);
});

test('import refuses unreadable files with a French message', async () => {
  const missing = await server.cli(['import', 'organisations', join(dir, 'absent.csv')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Impossible de lire/);
  const noColumn = await server.cli(['import', 'organisations', file('nocol.csv', 'nom;siret\nX;\n'), '--parent', String(ids[DEMO.idf])]);
  assert.equal(noColumn.code, 1);
  assert.match(noColumn.stderr, /Fichier refusé : Colonne obligatoire absente : « type »/);
  const quote = await server.cli(['import', 'organisations', file('quote.csv', 'nom;type\n"Ouvert;ai\n'), '--parent', String(ids[DEMO.idf])]);
  assert.equal(quote.code, 1);
  assert.match(quote.stderr, /guillemet ouvert jamais refermé/);
  const parent = await server.cli(['import', 'organisations', file('p.csv', 'nom;type\nX;ai\n'), '--parent', '987654321']);
  assert.equal(parent.code, 1);
  assert.match(parent.stderr, /Organisation parente 987654321 introuvable/);
  const junkParent = await server.cli(['import', 'organisations', file('p2.csv', 'nom;type\nX;ai\n'), '--parent', 'abc']);
  assert.equal(junkParent.code, 1);
  assert.equal(junkParent.stderr, 'Organisation parente abc introuvable.\n');
  assert.deepEqual(await namesLike('Ouvert'), []);
});

test('export organisations writes the CSV (BOM, ";") or an XLSX file', async () => {
  const csv = await server.cli(['export', 'organisations']);
  assert.equal(csv.code, 0, csv.stderr);
  assert.ok(csv.stdout.startsWith('\uFEFFid;nom;type;siret;'));
  assert.ok(csv.stdout.includes(DEMO.rebond));
  const out = join(dir, 'export.xlsx');
  const xlsx = await server.cli(['export', 'organisations', '--format', 'xlsx', '--out', out]);
  assert.equal(xlsx.code, 0, xlsx.stderr);
  assert.match(xlsx.stderr, /organisation\(s\) exportée\(s\) dans/);
  assert.equal(readFileSync(out).subarray(0, 2).toString('latin1'), 'PK');
});

test('backup: a consistent SQLite copy readable by sqlite3; on PostgreSQL, a pointer to pg_dump', async () => {
  const target = join(dir, 'sauvegarde.db');
  const out = await server.cli(['backup', target]);
  if (server.engine === 'sqlite') {
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /Sauvegarde écrite dans/);
    const count = execFileSync('sqlite3', [target, 'select count(*) from organisations']).toString().trim();
    const total = (await api.call('GET', '/api/v1/organisations')).body.total;
    assert.ok(Number(count) >= total, `${count} organisations in the backup`);
    const users = execFileSync('sqlite3', [target, "select count(*) from users where email like '%@demo.passerelle.fr'"]).toString().trim();
    assert.equal(users, '7');
  } else {
    assert.equal(out.code, 1);
    assert.match(out.stderr, /pg_dump/);
    assert.ok(!existsSync(target), 'no file written');
  }
});

test('user add with --password-stdin, then the login works with that role and scope', async () => {
  const email = 'nouvelle.chargee@exemple.fr';
  const password = 'un mot de passe solide';
  const out = await server.cli(['user', 'add', email, '--name', 'Nouvelle Chargée', '--role', 'network', '--org', String(ids[DEMO.paca]), '--password-stdin'], password + '\n');
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /Compte créé : nouvelle\.chargee@exemple\.fr \(network\)/);
  const c = new Client(server.url);
  const res = await c.login(email, password);
  assert.equal(res.status, 303);
  const orgs = await (await c.get('/organisations')).text();
  assert.ok(orgs.includes(DEMO.marseilleRecyclage));
  assert.ok(!orgs.includes(DEMO.rebond));
  // E-mail case does not matter at login.
  assert.equal((await new Client(server.url).login(email.toUpperCase(), password)).status, 303);

  const again = await server.cli(['user', 'add', email, '--name', 'X', '--role', 'network', '--org', String(ids[DEMO.paca]), '--password-stdin'], password + '\n');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Un compte existe déjà/);
  const weak = await server.cli(['user', 'add', 'faible@exemple.fr', '--name', 'F', '--role', 'member', '--org', String(ids[DEMO.solipass]), '--password-stdin'], 'court\n');
  assert.equal(weak.code, 1);
  assert.match(weak.stderr, /au moins 10 caractères/);
  const badRole = await server.cli(['user', 'add', 'role@exemple.fr', '--name', 'R', '--role', 'roi', '--org', '1', '--password-stdin'], password + '\n');
  assert.equal(badRole.code, 2);
  assert.match(badRole.stderr, /--role/);
  const badOrg = await server.cli(['user', 'add', 'org@exemple.fr', '--name', 'O', '--role', 'member', '--org', '987654321', '--password-stdin'], password + '\n');
  assert.equal(badOrg.code, 1);
  assert.match(badOrg.stderr, /Organisation 987654321 introuvable/);
  const junkOrg = await server.cli(['user', 'add', 'org@exemple.fr', '--name', 'O', '--role', 'member', '--org', 'abc', '--password-stdin'], password + '\n');
  assert.equal(junkOrg.code, 1);
  assert.equal(junkOrg.stderr, 'Organisation abc introuvable.\n');
  assert.equal((await new Client(server.url).login('faible@exemple.fr', 'court')).status, 401, 'no account was made');
});

test('user passwd changes the password; user disable refuses the login and the tokens', async () => {
  const email = 'a.desactiver@exemple.fr';
  const first = 'premier mot de passe';
  const second = 'second mot de passe';
  assert.equal((await server.cli(['user', 'add', email, '--name', 'À désactiver', '--role', 'member', '--org', String(ids[DEMO.solipass]), '--password-stdin'], first + '\n')).code, 0);
  const token = (await server.cli(['token', 'create', '--user', email])).stdout.trim();

  const passwd = await server.cli(['user', 'passwd', email, '--password-stdin'], second + '\n');
  assert.equal(passwd.code, 0, passwd.stderr);
  assert.equal((await new Client(server.url).login(email, first)).status, 401);
  assert.equal((await new Client(server.url).login(email, second)).status, 303);

  const disable = await server.cli(['user', 'disable', email]);
  assert.equal(disable.code, 0, disable.stderr);
  assert.match(disable.stdout, /Compte désactivé/);
  const refused = await new Client(server.url).login(email, second);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /Ce compte est désactivé/);
  const viaToken = await new ApiClient(server.url, { token }).call('GET', '/api/v1/organisations');
  assert.equal(viaToken.status, 401);

  const unknown = await server.cli(['user', 'disable', 'personne@exemple.fr']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Aucun compte pour personne@exemple\.fr/);
});

test('the command line writes the audit log; without arguments it prints its usage', async () => {
  const admin = await new ApiClient(server.url).signIn('admin@demo.passerelle.fr');
  const html = await (await admin.get('/admin/journal?action=import')).text();
  assert.match(html, /ligne de commande/);
  const usage = await server.cli([]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage : passerelle COMMANDE/);
});
