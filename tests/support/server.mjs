// Test support shared by the API and browser suites: a real `passerelle`
// binary on a random port against a fresh database (SQLite file, or a new
// PostgreSQL database on the throw-away cluster of `make test`).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.PASSERELLE_BIN || join(ROOT, 'build', 'passerelle');
export const ENGINE = process.env.PASSERELLE_TEST_ENGINE || 'sqlite';
export const DEMO_PASSWORD = 'passerelle-demo';
// npm packages live in web/node_modules (ESM imports ignore NODE_PATH).
export const requireWeb = createRequire(join(ROOT, 'web', 'package.json'));

function freshDatabase() {
  if (ENGINE === 'postgres') {
    const base = process.env.PASSERELLE_TEST_PG;
    if (!base) throw new Error('PASSERELLE_TEST_PG is required for PASSERELLE_TEST_ENGINE=postgres');
    const name = 't_' + randomBytes(6).toString('hex');
    execFileSync('psql', [base, '-qtAX', '-c', `CREATE DATABASE ${name}`]);
    const url = new URL(base);
    url.pathname = '/' + name;
    return { url: url.toString(), cleanup: () => {
      try { execFileSync('psql', [base, '-qtAX', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]); } catch { /* best effort */ }
    } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-test-'));
  return { url: join(dir, 'test.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// Runs a command of the binary against the test database; returns {code, stdout, stderr}.
// `env` is added to the command's environment.
export function runCli(database, args, input, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, ...env, PASSERELLE_DATABASE: database } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    // A command may exit without reading its input (a refused argument): EPIPE is not an error here.
    child.stdin.on('error', () => {});
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Starts a server with the demo data loaded (unless demo: false). With
// `database` (another server's), it serves that database as it is, and leaves
// it in place when it stops (a restart).
export async function startServer({ demo = true, env = {}, database } = {}) {
  const db = database ? { url: database, cleanup: () => {} } : freshDatabase();
  const migrate = await runCli(db.url, ['migrate']);
  if (migrate.code !== 0) throw new Error('migrate failed: ' + migrate.stderr);
  if (demo && !database) {
    const d = await runCli(db.url, ['demo']);
    if (d.code !== 0) throw new Error('demo failed: ' + d.stderr + d.stdout);
  }
  const child = spawn(BIN, ['serve'], {
    env: { ...process.env, PASSERELLE_DATABASE: db.url, PASSERELLE_LISTEN: '127.0.0.1:0', PASSERELLE_THREADS: '4', ...env },
  });
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + output)), 15000);
    const onData = (d) => {
      output += d;
      const m = output.match(/"event":"listening".*?"port":(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${output}`)); });
  });
  child.stdout.removeAllListeners('data');
  child.stdout.on('data', (d) => { output += d; if (output.length > 2e6) output = output.slice(-1e6); });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, database: db.url, engine: ENGINE,
    output: () => output,
    // Kills the process at once (SIGKILL), as a crash would; the database stays.
    async crash() {
      child.kill('SIGKILL');
      return exited;
    },
    // Removes the database (after a crash(), once another server is done with it).
    cleanup: () => db.cleanup(),
    cli: (args, input, env) => runCli(db.url, args, input, env),
    // Graceful stop (SIGTERM); resolves with the exit status. A sanitizer
    // report or a crash shows up as a non-zero code.
    async stop() {
      child.kill('SIGTERM');
      const status = await exited;
      db.cleanup();
      return status;
    },
  };
}

// A minimal cookie-keeping HTTP client for page tests without a browser.
export class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); }
  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  keep(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i), value = pair.slice(i + 1);
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name); else this.cookies.set(name, value);
    }
  }
  async request(method, path, { form, json, headers = {}, body } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    let payload = body;
    if (form) { payload = new URLSearchParams(form).toString(); h['content-type'] = 'application/x-www-form-urlencoded'; }
    if (json !== undefined) { payload = typeof json === 'string' ? json : JSON.stringify(json); h['content-type'] = 'application/json'; }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    this.keep(res);
    return res;
  }
  get(path, opts) { return this.request('GET', path, opts); }
  post(path, opts) { return this.request('POST', path, opts); }
  // The CSRF token of a page's first form.
  static csrfOf(html) { const m = html.match(/name="_csrf" value="([^"]+)"/); return m && m[1]; }
  async login(email, password = DEMO_PASSWORD) {
    const page = await (await this.get('/login')).text();
    const res = await this.post('/login', { form: { _csrf: Client.csrfOf(page), email, password, next: '/' } });
    return res;
  }
  async csrf(path = '/compte') { return Client.csrfOf(await (await this.get(path)).text()); }
}

export const demoEmail = (role) => `${role}@demo.passerelle.fr`;
