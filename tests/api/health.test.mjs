import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const status = await server.stop();
  assert.equal(status.code, 0, 'the server stops cleanly on SIGTERM');
});

test('GET /healthz answers 200 when the database answers', async () => {
  const res = await fetch(server.url + '/healthz');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok\n');
});

test('GET /metrics is Prometheus text with per-route counters', async () => {
  await fetch(server.url + '/healthz');
  const res = await fetch(server.url + '/metrics');
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.match(body, /passerelle_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(body, /passerelle_http_request_duration_seconds_bucket\{route="\/healthz",le="0.001"\}/);
  assert.match(body, /passerelle_database_errors_total 0/);
});

test('every response carries the security headers and a strict CSP', async () => {
  for (const path of ['/healthz', '/login', '/static/app.css', '/nope']) {
    const res = await fetch(server.url + path);
    const csp = res.headers.get('content-security-policy');
    assert.ok(csp && csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
  }
});
