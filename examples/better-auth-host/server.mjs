// An example host application: better-auth (email and password, JWTs) on SQLite, with the
// Pipeline Studio plugin running hooks in an embedded runtime, and that runtime's HTTP API served
// on a second loopback port so that the studio can publish to it and pull its captured events.
//
//   npm run example:host                    (bundles dist/node first)
//   node examples/better-auth-host/server.mjs [--data DIR] [--port N] [--runtime-port N]
//
// Prints one JSON line on stdout once both servers listen:
//   { "app": "http://127.0.0.1:3000", "runtime": "http://127.0.0.1:8787", "data": "…", "tokenFile": "…" }
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { toNodeHandler } from 'better-auth/node';
import { jwt } from 'better-auth/plugins';
import { pipelineStudio } from 'pipeline-studio/better-auth';
import {
  createRuntime,
  createRuntimeServer,
  createToken,
  keepServingOnUnhandledRejections,
} from 'pipeline-studio/runtime';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join(here, 'data') },
    port: { type: 'string', default: '3000' },
    'runtime-port': { type: 'string', default: '8787' },
  },
});
const dataDir = path.resolve(values.data);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const log = (message) => process.stderr.write(`better-auth-host: ${message}\n`);

/** A value kept in a file of the data folder (mode 0600), created on first start. */
function keptSecret(name, create) {
  const file = path.join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, `${create()}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

// The runtime library, embedded: the plugin calls runtime.runHook in-process.
const runtime = await createRuntime({
  dataDir: path.join(dataDir, 'runtime'),
  config: { source: 'better-auth-host', workers: 1 },
  log: (message) => log(`runtime: ${message}`),
});

// The studio's token (publish, events:read, secrets:write): created once, kept in a 0600 file.
const tokenFile = path.join(dataDir, 'studio-token');
if (!existsSync(tokenFile)) {
  const created = await createToken(runtime.storage, {
    scopes: ['publish', 'events:read', 'secrets:write'],
    name: 'studio',
  });
  writeFileSync(tokenFile, `${created.token}\n`, { mode: 0o600 });
  log(`created the studio's runtime token in ${tokenFile}`);
}

// The client address, as this server saw it: better-auth reads it from a header only this server
// sets (a client's own copy is dropped), since nothing sits in front of this example.
const clientIpHeader = 'x-example-client-ip';

const app = createServer();
await new Promise((resolve, reject) => {
  app.once('error', reject);
  app.listen(Number(values.port), '127.0.0.1', () => resolve(undefined));
});
const appUrl = `http://127.0.0.1:${app.address().port}`;

const pipeline = pipelineStudio({
  runtime,
  logger: { warn: (message) => log(message), error: (message) => log(message) },
});
const auth = betterAuth({
  database: new Database(path.join(dataDir, 'auth.db')),
  secret: process.env.BETTER_AUTH_SECRET ?? keptSecret('auth-secret', () => randomBytes(32).toString('base64url')),
  baseURL: appUrl,
  emailAndPassword: { enabled: true },
  user: { additionalFields: { plan: { type: 'string', required: false, input: false } } },
  advanced: { ipAddress: { ipAddressHeaders: [clientIpHeader] } },
  plugins: [pipeline, jwt({ jwt: { definePayload: pipeline.definePayload }, disableSettingJwtHeader: true })],
});
await (await auth.$context).runMigrations();
const authHandler = toNodeHandler(auth);

app.on('request', (request, response) => {
  delete request.headers[clientIpHeader];
  request.headers[clientIpHeader] = request.socket.remoteAddress ?? '';
  if (request.url?.startsWith('/api/auth/')) {
    authHandler(request, response).catch((error) => {
      log(`auth handler failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
    return;
  }
  if (request.method === 'GET' && (request.url === '/' || request.url === '/index.html')) {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'",
    });
    response.end(readFileSync(path.join(here, 'index.html')));
    return;
  }
  response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
});

const runtimeServer = createRuntimeServer(runtime, { log: (message) => log(`runtime server: ${message}`) });
const runtimeUrl = await runtimeServer.listen(Number(values['runtime-port']), '127.0.0.1');

process.stdout.write(`${JSON.stringify({ app: appUrl, runtime: runtimeUrl, data: dataDir, tokenFile })}\n`);
log(`app on ${appUrl}, runtime API on ${runtimeUrl} (studio token in ${tokenFile})`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  app.closeAllConnections?.();
  await new Promise((resolve) => app.close(() => resolve(undefined)));
  await runtimeServer.close();
  await runtime.close();
  process.exit(0);
}
keepServingOnUnhandledRejections(log);
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
