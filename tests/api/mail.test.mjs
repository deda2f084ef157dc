// E-mails of events through the outbox to a real SMTP server (issue 5): the
// sink of `make test` (tests/support/smtp_sink.py) or this file's own. A
// registration's confirmation arrives with a parsable .ics; a refused address
// ends "failed" with a French error and nothing else is lost; with the relay
// down mails wait, then leave exactly once; the freed seat's offer and the
// cancellation of an event are told; the .ics download follows the event's
// visibility; administrators see and requeue the outbox, audited.
import { test, before, after } from 'node:test';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { tokenClient, loginAs, organisationIds, stopServer, DEMO } from '../support/api.mjs';
import { smtpSink, startSmtpSink, freePort, waitForMessages, messagesFor, parseIcs, uniqueAddress } from '../support/smtp.mjs';

let sink, server, admin, member, ids, webinar;
const local = (days, hour = '10:00') => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10) + 'T' + hour;
const compact = (iso) => iso.replace(/[-:]/g, '');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  sink = await smtpSink();
  server = await startServer({ env: { PASSERELLE_SMTP_URL: sink.url, PASSERELLE_MAIL_INTERVAL_MS: '200',
    PASSERELLE_MAIL_FROM: 'Délégation Pays de la Loire <evenements@passerelle.test>' } });
  admin = await tokenClient(server, 'admin');
  member = await tokenClient(server, 'member');  // Solipass, Pays de la Loire
  ids = await organisationIds(admin);
  webinar = (await member.call('GET', '/api/v1/events?status=published')).body.items
    .find((e) => e.title === 'Webinaire : recruter avec les prescripteurs du territoire');
  assert.ok(webinar);
});
after(async () => { await stopServer(server); await sink.stop(); });

// A new contact of Solipass with its own address, so that nothing else writes to it.
async function solipassContact(client, email, first = 'Inès') {
  const res = await admin.call('POST', '/api/v1/contacts', {
    first_name: first, last_name: 'Test', email, organisation_ids: [ids[DEMO.solipass]],
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

async function register(client, eventId, contactId) {
  const res = await client.call('POST', '/api/v1/registrations', { event_id: eventId, contact_id: contactId });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function outboxFor(address, status = '') {
  const res = await admin.call('GET', `/api/v1/outbox?limit=200${status ? '&status=' + status : ''}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items.filter((m) => m.to_address === address);
}

async function until(check, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

test('a registration: the sink receives the confirmation with an .ics whose start is the event\'s', async () => {
  const address = uniqueAddress('ines');
  const contact = await solipassContact(admin, address);
  await register(member, webinar.id, contact);
  const [mail] = await waitForMessages(sink, address);
  assert.equal(mail.subject, `Inscription confirmée : ${webinar.title}`);
  assert.equal(mail.to, `Inès Test <${address}>`);
  assert.equal(mail.mailFrom, 'evenements@passerelle.test');
  assert.match(mail.headers.from, /<evenements@passerelle\.test>$/);
  assert.match(mail.headers['message-id'], /^<.+@.+>$/);
  assert.match(mail.headers.date, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  assert.match(mail.text, /Bonjour Inès Test,/);
  assert.match(mail.text, /\(heure de Paris\)/);
  assert.match(mail.text, new RegExp(`/evenements/${webinar.id}`));
  assert.match(mail.text, /L'invitation jointe \(evenement\.ics\) ajoute l'événement à votre agenda\./);
  assert.match(mail.text, /Un empêchement \? Annulez votre inscription sur la page de l'événement/);
  assert.doesNotMatch(mail.text, /Sessions choisies/, 'no session chosen: no empty heading');
  assert.equal(mail.attachments.length, 1);
  const [ics] = mail.attachments;
  assert.equal(ics.filename, 'evenement.ics');
  assert.equal(ics.type, 'text/calendar');
  assert.ok(!/[^\r]\n/.test(ics.text), 'CRLF line ends');
  const cal = parseIcs(ics.text);
  assert.equal(cal.DTSTART, compact(webinar.starts_at));
  assert.equal(cal.DTEND, compact(webinar.ends_at));
  assert.equal(cal.SUMMARY, webinar.title.replace(/,/g, '\\,'));
  assert.match(cal.UID, new RegExp(`^evenement-${webinar.id}@`));
  assert.equal(cal.LOCATION, webinar.visio_url);
  const [row] = await outboxFor(address);
  assert.equal(row.status, 'sent');
  assert.equal(row.kind, 'event_confirmation');
  assert.equal(row.attempts, 1);
});

test('a refused address ends failed with a French error; the registration and the other mails stand', async () => {
  const refused = uniqueAddress('refuse'), fine = uniqueAddress('jules');
  const a = await register(member, webinar.id, await solipassContact(admin, refused, 'Refus'));
  await register(member, webinar.id, await solipassContact(admin, fine, 'Jules'));
  await waitForMessages(sink, fine);
  const [row] = await until(async () => { const r = await outboxFor(refused, 'failed'); return r.length && r; });
  assert.match(row.last_error, /^Adresse refusée par le serveur de messagerie : 550/);
  assert.equal(row.attempts, 1, 'a 5xx refusal is not retried');
  assert.equal(messagesFor(sink, refused).length, 0);
  assert.equal((await member.call('GET', `/api/v1/registrations/${a.id}`)).body.status, 'registered');
  // Administrators requeue it (audited); it fails again, nothing else moves.
  const requeued = await admin.call('POST', `/api/v1/outbox/${row.id}/requeue`);
  assert.equal(requeued.status, 200, JSON.stringify(requeued.body));
  assert.equal(requeued.body.status, 'queued');
  await until(async () => { const r = await outboxFor(refused, 'failed'); return r.length && r[0].attempts === 2; });
  assert.equal((await admin.call('POST', `/api/v1/outbox/${row.id}/requeue`, null)).status, 200);
  const sent = (await outboxFor(fine))[0];
  assert.equal((await admin.call('POST', `/api/v1/outbox/${sent.id}/requeue`)).status, 422, 'a sent mail is not resent');
  assert.equal(messagesFor(sink, fine).length, 1);
});

test('the outbox page and API are for administrators; a requeue is in the audit log', async () => {
  assert.equal((await member.call('GET', '/api/v1/outbox')).status, 403);
  assert.equal((await admin.call('GET', '/api/v1/outbox?status=nope')).status, 400);
  assert.equal((await admin.call('POST', '/api/v1/outbox/999999/requeue')).status, 404);
  const page = await loginAs(server, 'admin');
  const html = await (await page.get('/admin/courriels?statut=failed')).text();
  assert.match(html, /<h1>Courriels<\/h1>/);
  assert.match(html, /Adresse refusée par le serveur de messagerie/);
  assert.match(html, /Renvoyer/);
  assert.doesNotMatch(html, /ines-/, 'filtered on failed');
  const metrics = await (await fetch(server.url + '/metrics')).text();
  assert.match(metrics, /^passerelle_mail_outbox_messages\{status="failed"\} [1-9]\d*$/m);
  assert.match(metrics, /^passerelle_mail_sending_enabled 1$/m);
  const journal = await (await page.get('/admin/journal')).text();
  assert.match(journal, /remis en file \(Échec\) : refuse-/);
  const memberPage = await loginAs(server, 'member');
  assert.equal((await memberPage.get('/admin/courriels')).status, 403);
});

test('a freed seat: the first waiting receives the offer with its French deadline; a cancelled event is told', async () => {
  const ev = (await admin.call('POST', '/api/v1/events', {
    kind: 'workshop', title: 'Atelier « recrutement, prescripteurs »', starts_at: local(20, '09:30'), ends_at: local(20, '12:00'),
    venue: 'Nantes, salle 2', organiser_id: ids[DEMO.pdl], regions: ['52'], status: 'published', capacity: 1, offer_hours: 24,
  })).body;
  const first = uniqueAddress('anna'), second = uniqueAddress('boris');
  const a = await register(member, ev.id, await solipassContact(admin, first, 'Anna'));
  const b = await register(member, ev.id, await solipassContact(admin, second, 'Boris'));
  assert.equal(b.status, 'waitlisted');
  const [waiting] = await waitForMessages(sink, second);
  assert.equal(waiting.subject, `Liste d'attente : ${ev.title}`);
  assert.match(waiting.text, /24 heures pour l'accepter/);
  assert.equal((await member.call('POST', `/api/v1/registrations/${a.id}/cancel`)).status, 200);
  const [offer] = await waitForMessages(sink, second, { where: (m) => m.subject.startsWith('Une place') });
  assert.equal(offer.subject, `Une place vous est proposée : ${ev.title}`);
  assert.match(offer.text, /réservée jusqu'au (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2}(er)? \S+ \d{4} à \d{1,2} h \d{2}\./);
  assert.match(offer.text, /Accepter la place/);
  assert.match(offer.text, new RegExp(`/evenements/${ev.id}`));
  const [cancelled] = await waitForMessages(sink, first, { where: (m) => m.subject.startsWith('Inscription annulée') });
  assert.match(cancelled.text, /est annulée/);
  // Staff cancel the event: the one offered the seat is told, with a CANCEL calendar.
  assert.equal((await admin.call('PATCH', `/api/v1/events/${ev.id}`, { status: 'cancelled' })).status, 200);
  const [told] = await waitForMessages(sink, second, { where: (m) => m.subject.startsWith('Événement annulé') });
  assert.equal(parseIcs(told.attachments[0].text).METHOD, 'CANCEL');
  assert.equal(messagesFor(sink, first).filter((m) => m.subject.startsWith('Événement annulé')).length, 0,
    'a cancelled registration is not told again');
});

test('the .ics download follows the event\'s visibility: another region\'s member gets 404', async () => {
  const mine = await member.request('GET', `/api/v1/events/${webinar.id}/ics`);
  assert.equal(mine.status, 200);
  assert.match(mine.headers.get('content-type'), /^text\/calendar/);
  assert.match(mine.headers.get('content-disposition'), /attachment; filename="evenement-\d+\.ics"/);
  assert.equal(parseIcs(await mine.text()).DTSTART, compact(webinar.starts_at));
  const paca = (await admin.call('GET', '/api/v1/events?q=journee%20paca&limit=200')).body.items[0];
  assert.equal((await member.call('GET', `/api/v1/events/${paca.id}/ics`)).status, 404);
  assert.equal((await member.call('GET', '/api/v1/events/999999/ics')).status, 404);
  const page = await loginAs(server, 'member');
  const html = await (await page.get(`/evenements/${webinar.id}`)).text();
  assert.match(html, new RegExp(`href="/evenements/${webinar.id}/evenement.ics"`));
  assert.equal((await page.get(`/evenements/${webinar.id}/evenement.ics`)).status, 200);
  assert.equal((await page.get(`/evenements/${paca.id}/evenement.ics`)).status, 404);
});

test('SMTP down: the confirmation waits in the queue, then leaves exactly once when the relay is up', async () => {
  const port = await freePort();
  const down = await startServer({ env: { PASSERELLE_SMTP_URL: `smtp://127.0.0.1:${port}`, PASSERELLE_MAIL_INTERVAL_MS: '200',
    PASSERELLE_MAIL_RETRY_DELAYS: Array(40).fill(1).join(',') } });
  let late;
  try {
    const admin2 = await tokenClient(down, 'admin'), member2 = await tokenClient(down, 'member');
    const ids2 = await organisationIds(admin2);
    const address = uniqueAddress('lea');
    const contact = (await admin2.call('POST', '/api/v1/contacts', {
      first_name: 'Léa', last_name: 'Test', email: address, organisation_ids: [ids2[DEMO.solipass]],
    })).body.id;
    const ev = (await member2.call('GET', '/api/v1/events?status=published')).body.items[0];
    const reg = await member2.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: contact });
    assert.equal(reg.status, 201);
    const queued = await until(async () => {
      const items = (await admin2.call('GET', '/api/v1/outbox')).body.items.filter((m) => m.to_address === address);
      return items.length && items[0].attempts >= 2 && items;
    });
    assert.equal(queued[0].status, 'queued');
    assert.match(queued[0].last_error, /^Serveur de messagerie injoignable/);
    late = await startSmtpSink({ port });
    const [mail] = await waitForMessages(late, address);
    assert.equal(mail.subject, `Inscription confirmée : ${ev.title}`);
    await sleep(1500);
    assert.equal(messagesFor(late, address).length, 1, 'exactly once');
    const [row] = (await admin2.call('GET', '/api/v1/outbox?status=sent')).body.items.filter((m) => m.to_address === address);
    assert.ok(row, 'recorded as sent');
    assert.equal(row.last_error, '');
  } finally {
    await stopServer(down);
    await late?.stop();
  }
});

test('without PASSERELLE_SMTP_URL mails stay queued (log, metrics); \'passerelle mail send\' drains them once', async () => {
  const quiet = await startServer({ env: { PASSERELLE_SMTP_URL: '' } });
  try {
    assert.match(quiet.output(), /"event":"mail_disabled","detail":"PASSERELLE_SMTP_URL n'est pas défini/);
    const admin3 = await tokenClient(quiet, 'admin'), member3 = await tokenClient(quiet, 'member');
    const address = uniqueAddress('marc');
    const contact = (await admin3.call('POST', '/api/v1/contacts', {
      first_name: 'Marc', last_name: 'Test', email: address, organisation_ids: [(await organisationIds(admin3))[DEMO.solipass]],
    })).body.id;
    const ev = (await member3.call('GET', '/api/v1/events?status=published')).body.items[0];
    assert.equal((await member3.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: contact })).status, 201);
    await sleep(500);
    const [row] = (await admin3.call('GET', '/api/v1/outbox?status=queued')).body.items.filter((m) => m.to_address === address);
    assert.equal(row.attempts, 0);
    const metrics = await (await fetch(quiet.url + '/metrics')).text();
    assert.match(metrics, /^passerelle_mail_sending_enabled 0$/m);
    assert.match(metrics, /^passerelle_mail_outbox_messages\{status="queued"\} [1-9]/m);
    const refused = await quiet.cli(['mail', 'send'], undefined, { PASSERELLE_SMTP_URL: '' });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /PASSERELLE_SMTP_URL n'est pas défini/);
    const sent = await quiet.cli(['mail', 'send'], undefined, { PASSERELLE_SMTP_URL: sink.url });
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^Courriels envoyés : 1 ; à réessayer plus tard : 0 ; en échec : 0/);
    const [mail] = await waitForMessages(sink, address);
    assert.equal(mail.subject, `Inscription confirmée : ${ev.title}`);
    const again = await quiet.cli(['mail', 'send'], undefined, { PASSERELLE_SMTP_URL: sink.url });
    assert.match(again.stdout, /^Courriels envoyés : 0 /);
    assert.equal(messagesFor(sink, address).length, 1);
  } finally {
    await stopServer(quiet);
  }
});

// Paris wall-clock time `hours` from now, as the event form takes it ("2026-12-08T10:15").
const parisIn = (hours) => new Date(Date.now() + hours * 3600000)
  .toLocaleString('sv-SE', { timeZone: 'Europe/Paris' }).replace(' ', 'T').slice(0, 16);

// Test fixture only: a statement on the server's database (sqlite3 or psql).
function sql(statement) {
  if (server.engine === 'postgres') execFileSync('psql', [server.database, '-qtAX', '-c', statement]);
  else execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.database, statement]);
}

test('the reminder of the day before reaches the SMTP sink once, with the .ics; a registration of the last day gets none', async () => {
  const res = await admin.call('POST', '/api/v1/events', {
    kind: 'webinar', title: 'Webinaire : le PASS IAE après la réforme', starts_at: parisIn(20), ends_at: parisIn(21),
    visio_url: 'https://visio.passerelle.fr/pass-iae', organiser_id: ids[DEMO.pdl], regions: ['52'],
    status: 'published', open_to_all: true,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const event = res.body;
  const early = uniqueAddress('early'), late = uniqueAddress('late');
  const early_reg = await register(member, event.id, await solipassContact(admin, early, 'Awa'));
  await register(member, event.id, await solipassContact(admin, late, 'Jules'));
  await waitForMessages(sink, early);
  await waitForMessages(sink, late);
  // Awa registered a week ago (the fixture moves her registration back); Jules today.
  const weekAgo = new Date(Date.now() - 7 * 86400000).toISOString().slice(0, 19) + 'Z';
  sql(`UPDATE registrations SET created_at = '${weekAgo}', updated_at = '${weekAgo}' WHERE id = ${early_reg.id}`);
  const first = await server.cli(['events', 'send-reminders']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^Rappels mis en file : \d+/);
  const [mail] = await waitForMessages(sink, early, { where: (m) => m.subject.startsWith('Rappel') });
  assert.match(mail.subject, /^Rappel : Webinaire : le PASS IAE après la réforme, le \S+ \d+ \S+ 20\d\d/);
  assert.match(mail.text, /Bonjour Awa Test,/);
  assert.match(mail.text, /https:\/\/visio\.passerelle\.fr\/pass-iae/);
  assert.equal(mail.attachments.length, 1);
  assert.equal(parseIcs(mail.attachments[0].text).SUMMARY, 'Webinaire : le PASS IAE après la réforme');
  // A second pass (or the server's own) queues nothing more.
  const again = await server.cli(['events', 'send-reminders']);
  assert.match(again.stdout, /^Rappels mis en file : 0/);
  await sleep(1000);
  assert.equal(messagesFor(sink, early).filter((m) => m.subject.startsWith('Rappel')).length, 1);
  assert.equal(messagesFor(sink, late).filter((m) => m.subject.startsWith('Rappel')).length, 0,
    'registered less than a day before: the confirmation is enough');
});

test('the OpenAPI document describes the .ics download and the outbox', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  assert.ok(doc.paths['/api/v1/events/{id}/ics'].get.responses['200'].content['text/calendar']);
  assert.ok(doc.paths['/api/v1/outbox'].get);
  assert.ok(doc.paths['/api/v1/outbox/{id}/requeue'].post);
  assert.deepEqual(doc.components.schemas.OutboxMessage.properties.status.enum,
    ['queued', 'sending', 'sent', 'failed', 'uncertain']);
});

// An SMTP server that takes the whole message, then never says whether it
// accepted it: the worst moment for the sender to die.
function silentRelay() {
  const received = [], sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffer = '', inData = false;
    socket.write('220 relais muet\r\n');
    socket.on('data', (d) => {
      buffer += d.toString('latin1');
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end >= 0) { received.push(buffer.slice(0, end)); inData = false; buffer = ''; }  // …and no answer
        return;
      }
      let eol;
      while ((eol = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (/^DATA/i.test(line)) { inData = true; socket.write('354 go\r\n'); return; }
        socket.write(/^QUIT/i.test(line) ? '221 bye\r\n' : '250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `smtp://127.0.0.1:${server.address().port}`, received,
    stop: () => new Promise((r) => { server.close(r); for (const s of sockets) s.destroy(); }),
  })));
}

test('the server dies while sending: after the restart the mail is "uncertain", never resent on its own', async () => {
  const relay = await silentRelay();
  const first = await startServer({ env: { PASSERELLE_SMTP_URL: relay.url, PASSERELLE_MAIL_INTERVAL_MS: '200',
    PASSERELLE_MAIL_LEASE_SECONDS: '2' } });
  let second;
  try {
    const admin4 = await tokenClient(first, 'admin'), member4 = await tokenClient(first, 'member');
    const address = uniqueAddress('noe');
    const contact = (await admin4.call('POST', '/api/v1/contacts', {
      first_name: 'Noé', last_name: 'Test', email: address, organisation_ids: [(await organisationIds(admin4))[DEMO.solipass]],
    })).body.id;
    const ev = (await member4.call('GET', '/api/v1/events?status=published')).body.items[0];
    assert.equal((await member4.call('POST', '/api/v1/registrations', { event_id: ev.id, contact_id: contact })).status, 201);
    await until(() => relay.received.some((m) => m.includes(address)));
    await first.crash();  // the relay has the message; nobody knows whether it took it
    await sleep(2100);    // the dead server's lease runs out
    second = await startServer({ database: first.database, env: { PASSERELLE_SMTP_URL: sink.url, PASSERELLE_MAIL_INTERVAL_MS: '200' } });
    const admin5 = await tokenClient(second, 'admin');
    const row = await until(async () => {
      const items = (await admin5.call('GET', '/api/v1/outbox?status=uncertain')).body.items.filter((m) => m.to_address === address);
      return items[0];
    });
    assert.match(row.last_error, /peut-être parti/);
    assert.match(second.output(), /"event":"mail_uncertain","count":1/);
    await sleep(1000);
    assert.equal(messagesFor(sink, address).length, 0, 'not resent blindly');
    // Staff check with the person, then requeue: it leaves once.
    assert.equal((await admin5.call('POST', `/api/v1/outbox/${row.id}/requeue`)).status, 200);
    await waitForMessages(sink, address);
    await sleep(600);
    assert.equal(messagesFor(sink, address).length, 1);
  } finally {
    if (second) await stopServer(second);
    first.cleanup();
    await relay.stop();
  }
});
