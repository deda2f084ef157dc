// Exports of the directory: CSV for French spreadsheets (";" with a BOM, or
// ","), XLSX, following the list's filters, within the caller's scope, audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, demoEmail } from '../support/server.mjs';

let server, network, member;
before(async () => {
  server = await startServer();
  network = new Client(server.url);
  await network.login(demoEmail('network'));
  member = new Client(server.url);
  await member.login(demoEmail('member'));
});
after(async () => { assert.equal((await server.stop()).code, 0); });

test('the contacts export follows the filters and stays in the scope', async () => {
  const res = await network.get('/contacts/export.csv?consentement=oui');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition'), /contacts\.csv/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
  const text = bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith('id;nom;prenom;fonction;email;telephone;consentement_envois;consentement_le;organisations\r\n'));
  const lines = text.trim().split('\r\n').slice(1);
  assert.ok(lines.length >= 5, `${lines.length} contacts who consented in Île-de-France`);
  for (const line of lines) assert.match(line, /;oui;\d{4}-\d{2}-\d{2};/, line);
  assert.ok(text.includes('Benali;Karim'), 'Karim Benali (Rebond 93) consented');
  assert.ok(!text.includes('Lefèvre'), 'Sophie Lefèvre did not consent');
  assert.ok(!text.includes('Solipass'), 'Pays de la Loire is outside the Île-de-France scope');
});

test('the contacts export in XLSX is a workbook, with commas on request', async () => {
  const xlsx = await network.get('/contacts/export.xlsx?q=martin');
  assert.equal(xlsx.status, 200);
  const bytes = Buffer.from(await xlsx.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  const comma = await (await network.get('/contacts/export.csv?sep=virgule')).text();
  assert.ok(comma.startsWith('id,nom,prenom,'), 'no BOM and commas');
});

test('an export needs the network role and is written to the audit log', async () => {
  assert.equal((await member.get('/contacts/export.csv')).status, 403);
  const admin = new Client(server.url);
  await admin.login(demoEmail('admin'));
  const journal = await (await admin.get('/admin/journal?action=export')).text();
  assert.match(journal, /contact/);
  assert.match(journal, /consentement=oui/);
});
