// The HTTP layer seen from a client: keep-alive, slow clients, limits and a
// graceful shutdown that lets the request in flight finish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from '../support/server.mjs';

// Sends raw bytes and collects everything the server answers until it closes.
function rawExchange(port, chunks, { pauseMs = 0, onPause } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => { answer += d; });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (let i = 0; i < chunks.length; ++i) {
        socket.write(chunks[i]);
        if (i < chunks.length - 1 && pauseMs) {
          if (onPause) await onPause();
          await new Promise((r) => setTimeout(r, pauseMs));
        }
      }
    });
  });
}

test('keep-alive serves several requests on one connection', async () => {
  const server = await startServer({ demo: false });
  try {
    const request = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
    const last = 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const answer = await rawExchange(server.port, [request + request + last]);
    assert.equal(answer.match(/HTTP\/1\.1 200 OK/g).length, 3);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('a client that stops sending is disconnected after the read timeout and the server goes on', async () => {
  const server = await startServer({ demo: false, env: { PASSERELLE_READ_TIMEOUT: '1' } });
  try {
    const started = Date.now();
    const answer = await rawExchange(server.port, [
      'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=',
    ]);
    const elapsed = Date.now() - started;
    assert.equal(answer, '', 'nothing is processed from a partial request');
    assert.ok(elapsed >= 900 && elapsed < 5000, `closed after ${elapsed} ms`);
    assert.equal((await fetch(server.url + '/healthz')).status, 200);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('a client that expects 100-continue gets it before sending its body, then the answer', async () => {
  const server = await startServer({ demo: false });
  try {
    const body = 'email=x%40y.fr&password=z';
    const socket = net.connect(server.port, '127.0.0.1');
    let answer = '';
    const closed = new Promise((resolve, reject) => { socket.on('close', resolve); socket.on('error', reject); });
    // The body is sent only once "100 Continue" has arrived (or never: the test then times out below).
    const interim = new Promise((resolve) => {
      socket.on('data', (d) => {
        answer += d;
        if (/^HTTP\/1\.1 100 Continue\r\n\r\n/.test(answer)) resolve(true);
      });
      setTimeout(() => resolve(false), 3000);
    });
    await new Promise((r) => socket.on('connect', r));
    socket.write('POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\n' +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`);
    assert.equal(await interim, true, `no 100 Continue within 3 s: ${JSON.stringify(answer)}`);
    socket.write(body);
    await closed;
    const final = answer.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
    assert.match(final, /^HTTP\/1\.1 [2-4]\d\d /, 'then the answer to the request itself');
    // Without the header, no interim answer.
    const plain = await rawExchange(server.port, ['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    assert.match(plain, /^HTTP\/1\.1 200 OK/);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('oversized headers get 431, a malformed request 400', async () => {
  const server = await startServer({ demo: false });
  try {
    const big = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(20000) + '\r\n\r\n';
    const tooBig = await rawExchange(server.port, [big]);
    assert.match(tooBig, /^HTTP\/1\.1 431/);
    assert.match(tooBig, /X-Content-Type-Options: nosniff/i, 'protocol errors carry the security headers too');
    assert.match(tooBig, /Content-Security-Policy: default-src 'none'/i);
    assert.match(await rawExchange(server.port, ['NOT HTTP AT ALL\r\n\r\n']), /^HTTP\/1\.1 400/);
    assert.equal((await fetch(server.url + '/healthz')).status, 200);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('SIGTERM lets the request in flight finish, then the server exits cleanly', async () => {
  const server = await startServer({ demo: false });
  const body = 'email=a%40b.fr&password=x';
  let status;
  const answer = rawExchange(
    server.port,
    [`POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, body],
    // SIGTERM once the server has read the headers and waits for the body.
    { pauseMs: 300, onPause: async () => { await new Promise((r) => setTimeout(r, 150)); status = server.stop(); } },
  );
  const text = await answer;
  // The login form is refused (no CSRF token), but the request was answered.
  assert.match(text, /^HTTP\/1\.1 403/);
  assert.equal((await status).code, 0);
  await assert.rejects(fetch(server.url + '/healthz'), 'the port is closed after shutdown');
});
