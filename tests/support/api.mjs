// Helpers of the API suite (tests/api): a Client that also speaks JSON and
// bearer tokens, demo ids, valid SIRET numbers, raw HTTP over a socket.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client, DEMO_PASSWORD, demoEmail } from './server.mjs';

export { DEMO_PASSWORD, demoEmail };

// Stops a server started by a test file: the exit must be clean (code 0 after
// SIGTERM) and no request of the file may have been answered with a 5xx.
export async function stopServer(server) {
  let metrics = '';
  let status;
  try {
    metrics = await (await fetch(server.url + '/metrics')).text();
  } finally {
    status = await server.stop();
  }
  assert.equal(status.code, 0, 'the server stops cleanly on SIGTERM');
  const errors = metrics.split('\n').filter((l) => /status="5\d\d"/.test(l));
  assert.deepEqual(errors, [], 'no request was answered with a 5xx');
  assert.match(metrics, /^passerelle_database_errors_total 0$/m, 'no database error');
}

// Names of demo organisations used across the suite (src/network/demo.cpp).
export const DEMO = {
  federation: 'Fédération Passerelle',
  idf: 'Délégation Île-de-France',
  paca: "Délégation Provence-Alpes-Côte d'Azur",
  pdl: 'Délégation Pays de la Loire',
  solipass: 'Solipass',
  rebond: 'Rebond 93 — Association intermédiaire',
  marseilleRecyclage: 'Marseille Recyclage',
  nantesMetropole: 'Nantes Métropole',
  plie: 'PLIE de Paris',
};

// A Client (cookie jar) that can also carry a bearer token and a session CSRF
// token, with a JSON call helper.
export class ApiClient extends Client {
  constructor(base, { token } = {}) {
    super(base);
    this.token = token;
    this.csrfToken = null;
  }

  async request(method, path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.token && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers.authorization = `Bearer ${this.token}`;
    return super.request(method, path, { ...opts, headers });
  }

  // A JSON call: { status, type, headers, body } with body parsed when JSON.
  // Writes made with the session carry its CSRF token (X-CSRF-Token) unless
  // `csrf: false`.
  async call(method, path, json, { headers = {}, csrf = true } = {}) {
    const h = { accept: 'application/json', ...headers };
    if (csrf && method !== 'GET' && this.csrfToken && !this.token) h['x-csrf-token'] = this.csrfToken;
    const res = await this.request(method, path, { json, headers: h });
    const text = await res.text();
    const type = res.headers.get('content-type') || '';
    let body = text;
    if (/json/.test(type) && text) body = JSON.parse(text);
    return { status: res.status, type, headers: res.headers, body };
  }

  // Logs in with the demo password and keeps the session's CSRF token.
  async signIn(email, password = DEMO_PASSWORD) {
    const res = await this.login(email, password);
    assert.equal(res.status, 303, `login of ${email}`);
    this.csrfToken = await this.csrf('/compte');
    assert.ok(this.csrfToken, 'the account page carries a CSRF token');
    return this;
  }
}

// A logged-in page client for a demo role.
export async function loginAs(server, role) {
  return new ApiClient(server.url).signIn(demoEmail(role));
}

// A bearer-token client for a demo role (token made on the command line).
export async function tokenClient(server, role) {
  const out = await server.cli(['token', 'create', '--user', demoEmail(role)]);
  assert.equal(out.code, 0, out.stderr);
  return new ApiClient(server.url, { token: out.stdout.trim() });
}

// Every organisation the client can see, through the paginated API.
export async function allOrganisations(client, query = '') {
  const items = [];
  let after = '';
  for (let page = 0; page < 100; page++) {
    const sep = query ? '&' : '';
    const res = await client.call('GET', `/api/v1/organisations?${query}${sep}limit=200${after ? '&after=' + encodeURIComponent(after) : ''}`);
    assert.equal(res.status, 200);
    items.push(...res.body.items);
    if (!res.body.next) return items;
    after = res.body.next;
  }
  throw new Error('pagination never ended');
}

// name → id of every organisation the client sees.
export async function organisationIds(client) {
  const ids = {};
  for (const o of await allOrganisations(client)) ids[o.name] = o.id;
  return ids;
}

// Luhn check as INSEE applies it to a SIRET.
export function luhnOk(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

let siretCounter = Math.floor(Math.random() * 1e8);
// A fresh valid SIRET (prefix 4, unlike the demo data's 8).
export function validSiret() {
  const base = '4' + String(siretCounter++ % 1e12).padStart(12, '0');
  for (let k = 0; k <= 9; k++) if (luhnOk(base + k)) return base + k;
  throw new Error('unreachable');
}

// A 14-digit number whose Luhn key is wrong.
export function badLuhnSiret() {
  const good = validSiret();
  const last = (Number(good[13]) + 1) % 10;
  return good.slice(0, 13) + last;
}

// Sends raw bytes on a new connection and resolves with the response:
// { status, head, body, error }. Resolves as soon as a whole response has
// arrived (by its Content-Length), or when the server closes, or at `timeout`.
// `chunks` is a Buffer/string or an array of them, written in order; writing
// stops at the first error (the server may answer early and stop reading).
export function rawRequest(port, chunks, { timeout = 5000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const received = [];
    let error = null;
    let done = false;
    const parse = () => {
      const data = Buffer.concat(received);
      const split = data.indexOf('\r\n\r\n');
      const head = (split >= 0 ? data.subarray(0, split) : data).toString('latin1');
      const m = head.match(/^HTTP\/1\.[01] (\d{3})/);
      const length = head.match(/\r\ncontent-length: *(\d+)/i);
      const body = split >= 0 ? data.subarray(split + 4) : Buffer.alloc(0);
      const complete = split >= 0 && length && body.length >= Number(length[1]);
      return { status: m ? Number(m[1]) : 0, head, body: body.toString('utf8'), complete };
    };
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const { status, head, body } = parse();
      resolve({ status, head, body, error });
    };
    const timer = setTimeout(finish, timeout);
    socket.on('data', (d) => { received.push(d); if (parse().complete) finish(); });
    socket.on('error', (e) => { error = e; });
    socket.on('close', finish);
    socket.on('connect', async () => {
      for (const c of [].concat(chunks)) {
        if (done || error || socket.destroyed) break;
        if (!socket.write(c)) await new Promise((r) => { socket.once('drain', r); socket.once('close', r); });
      }
    });
  });
}
