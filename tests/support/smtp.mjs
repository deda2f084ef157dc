// The SMTP sink of the tests (tests/support/smtp_sink.py, a real SMTP server
// on loopback): the one `make test` started (PASSERELLE_TEST_SMTP_PORT and
// PASSERELLE_TEST_SMTP_DIR), or one of the test file's own when run by hand.
// Reads what it received for an address and decodes the MIME parts, with
// node's built-ins only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const SINK = join(dirname(fileURLToPath(import.meta.url)), 'smtp_sink.py');
// Debian's python3, which has python3-aiosmtpd (a python3 of pyenv may be first in PATH).
const PYTHON = process.env.PASSERELLE_TEST_PYTHON || '/usr/bin/python3';

// A port nobody listens on right now.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Starts a sink of our own on `port` (a free one by default).
export async function startSmtpSink({ port, dir } = {}) {
  port ??= await freePort();
  const own = !dir;
  dir ??= mkdtempSync(join(tmpdir(), 'passerelle-smtp-'));
  const child = spawn(PYTHON, [SINK, '--port', String(port), '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('SMTP sink did not start:\n' + output)), 10000);
    child.stdout.on('data', (d) => { output += d; if (/listening/.test(output)) { clearTimeout(timer); resolve(); } });
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`SMTP sink exited (${code}):\n${output}`)); });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    port, dir, url: `smtp://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The sink of `make test` when there is one, else our own.
export async function smtpSink() {
  const port = process.env.PASSERELLE_TEST_SMTP_PORT, dir = process.env.PASSERELLE_TEST_SMTP_DIR;
  if (port && dir) return { port: Number(port), dir, url: `smtp://127.0.0.1:${port}`, async stop() {} };
  return startSmtpSink();
}

// ---- MIME decoding ------------------------------------------------------------

function splitHead(raw) {
  const at = raw.indexOf('\r\n\r\n');
  return at < 0 ? [raw, ''] : [raw.slice(0, at), raw.slice(at + 4)];
}

// Header names lower-cased, folded lines joined.
function parseHeaders(head) {
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

// RFC 2047 encoded words (B and Q), adjacent words joined.
export function decodeWords(value) {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, text) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return new TextDecoder(charset).decode(bytes);
  });
}

function decodeBody(body, encoding) {
  switch ((encoding || '7bit').toLowerCase()) {
    case 'base64': return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    default: return Buffer.from(body, 'latin1');
  }
}

function param(value, name) {
  const m = (value || '').match(new RegExp(`${name}="?([^";]+)"?`, 'i'));
  return m && m[1];
}

// The leaf parts of a MIME entity: [{ headers, type, filename, content (Buffer), text (UTF-8) }].
function parts(raw) {
  const [head, body] = splitHead(raw);
  const headers = parseHeaders(head);
  const type = (headers['content-type'] || 'text/plain').split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = param(headers['content-type'], 'boundary');
    const pieces = body.split('--' + boundary);
    return pieces.slice(1, -1).flatMap((p) => parts(p.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  }
  const content = decodeBody(body, headers['content-transfer-encoding']);
  const filename = param(headers['content-disposition'], 'filename') || param(headers['content-type'], 'name');
  return [{ headers, type, filename, content, text: content.toString('utf8') }];
}

// A received message: envelope, headers, decoded subject, text body, attachments.
export function parseMessage(record) {
  const raw = record.data;
  const [head] = splitHead(raw);
  const headers = parseHeaders(head);
  const leaves = parts(raw);
  const textPart = leaves.find((p) => p.type === 'text/plain' && !p.filename);
  return {
    mailFrom: record.mail_from, rcptTos: record.rcpt_tos, raw, headers,
    subject: decodeWords(headers.subject || ''),
    to: decodeWords(headers.to || ''),
    text: textPart ? textPart.text.replace(/\r\n/g, '\n') : '',
    attachments: leaves.filter((p) => p.filename),
  };
}

// The unfolded content lines of an iCalendar file as { NAME: value } (the
// first of each name), plus `lines`.
export function parseIcs(text) {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);
  const fields = { lines };
  for (const l of lines) {
    const i = l.indexOf(':');
    const name = l.slice(0, i).split(';')[0];
    if (!(name in fields)) fields[name] = l.slice(i + 1);
  }
  return fields;
}

// ---- Reading what arrived ----------------------------------------------------

// Every message received for `address` (case-insensitive), oldest first.
export function messagesFor(sink, address) {
  let files = [];
  try { files = readdirSync(sink.dir).filter((f) => f.endsWith('.json')).sort(); } catch { return []; }
  const out = [];
  for (const f of files) {
    const record = JSON.parse(readFileSync(join(sink.dir, f), 'utf8'));
    if (record.rcpt_tos.some((r) => r.toLowerCase() === address.toLowerCase())) out.push(parseMessage(record));
  }
  return out;
}

// Waits until `count` messages (matching `where`, if given) arrived for `address`.
export async function waitForMessages(sink, address, { count = 1, where = () => true, timeout = 15000 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const found = messagesFor(sink, address).filter(where);
    if (found.length >= count) return found;
    if (Date.now() > end)
      throw new Error(`${found.length} message(s) for ${address} after ${timeout} ms, ${count} expected`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A unique address for a test (nothing else ever writes to it), e.g. "t-3f9a1c@exemple.fr".
export function uniqueAddress(prefix = 't') {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@exemple.fr`;
}
