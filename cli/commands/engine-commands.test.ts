import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The run, check and replay commands as a user runs them: the real CLI in a child process.
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'pipeline-studio.mjs');
const example = path.join(root, 'examples', 'acme-auth');
const exampleEvents = path.join(root, 'examples', 'acme-events.ndjson');
let tmp: string;

function cli(...args: string[]) {
  const result = spawnSync('node', [bin, ...args], { encoding: 'utf8', cwd: tmp, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const target = path.join(tmp, name);
  writeFileSync(target, text);
  return target;
}

const signupEvent = (email: string) =>
  JSON.stringify({ request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' });

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cli-engine-'));
});

describe('run', () => {
  it('prints one JSON object and exits 0 when the script allows', () => {
    const script = file('allow.lua', 'print("hello")\nhelpers.log("checked", event.user.email)\nreturn true');
    const { code, stdout } = cli(
      'run',
      script,
      '--hook',
      'signup.before',
      '--event',
      file('ok.json', signupEvent('a@example.com')),
    );
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const output = JSON.parse(lines[0]!);
    expect(output).toMatchObject({ ok: true, hook: 'signup.before', result: true, error: null });
    expect(output.logs.map((l: { message: string }) => l.message)).toEqual(['hello', 'checked a@example.com']);
    expect(typeof output.durationMs).toBe('number');
  });

  it('exits 1 on a deny and reports it as the result', () => {
    const script = path.join(example, 'scripts', 'block-disposable.lua');
    const { code, stdout } = cli(
      'run',
      script,
      '--hook',
      'signup.before',
      '--event',
      file('bad.json', signupEvent('x@mailinator.com')),
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, result: { allow: false, reason: 'disposable email' } });
  });

  it('takes a recorded-event envelope, env variables and secrets, and never prints a secret value', () => {
    const script = file(
      'env.lua',
      'local key = helpers.secret("API_KEY")\nprint(key)\nreturn { claims = { region = helpers.env("REGION"), n = #key } }',
    );
    const envelope = JSON.stringify({
      id: 'evt_9',
      hook: 'token.enrich',
      event: { request: { ip: '203.0.113.7' }, user: { email: 'a@example.com' }, token: { type: 'id' }, claims: {} },
    });
    const { code, stdout, stderr } = cli(
      'run',
      script,
      '--hook',
      'token.enrich',
      '--event',
      file('env.json', envelope),
      '--env',
      'REGION=eu',
      '--secret',
      'API_KEY=sk_live_8f2b1c',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, result: { claims: { region: 'eu', n: 14 } } });
    expect(stdout + stderr).not.toContain('sk_live_8f2b1c');
  });

  it('reports limits and errors with their codes and lines', () => {
    const loop = file('loop.lua', 'while true do end');
    const timedOut = cli(
      'run',
      loop,
      '--hook',
      'signup.before',
      '--event',
      path.join(tmp, 'ok.json'),
      '--timeout-ms',
      '300',
    );
    expect(timedOut.code).toBe(1);
    expect(['TIMEOUT', 'INSTRUCTION_LIMIT']).toContain(JSON.parse(timedOut.stdout).error.code);

    const syntax = cli(
      'run',
      file('syntax.lua', 'local a = 1\nreturn = 2'),
      '--hook',
      'signup.before',
      '--event',
      path.join(tmp, 'ok.json'),
    );
    expect(syntax.code).toBe(1);
    expect(JSON.parse(syntax.stdout).error).toMatchObject({ code: 'SYNTAX_ERROR', line: 2 });

    const invalid = cli(
      'run',
      file('five.lua', 'return 5'),
      '--hook',
      'signup.before',
      '--event',
      path.join(tmp, 'ok.json'),
    );
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_RESULT' } });
  });

  it('refuses a script file that is not UTF-8 with its line, as bundle folders do, and reads BOM and CRLF', () => {
    const event = file('utf8-event.json', signupEvent('a@example.com'));
    const latin1 = path.join(tmp, 'latin1.lua');
    writeFileSync(
      latin1,
      Buffer.concat([Buffer.from('local ok = true\nreturn "caf'), Buffer.from([0xe9]), Buffer.from('"')]),
    );
    const refused = cli('run', latin1, '--hook', 'signup.before', '--event', event);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toMatch(
      /^pipeline-studio: run: .*latin1\.lua:2: the file is not valid UTF-8 \(byte 0xE9\); .*\\ddd or \\xXX escapes$/,
    );

    const windows = file('windows.lua', '\uFEFFprint("café", #"é")\r\nreturn true\r\n');
    const read = cli('run', windows, '--hook', 'signup.before', '--event', event);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout).logs.map((l: { message: string }) => l.message)).toEqual(['café\t2']);
  });

  it('keeps the output small whatever the script prints', () => {
    // 2,000 entries are 20 times the 100 kept; the limit at its highest so that a loaded machine
    // cannot turn the flood into a TIMEOUT (the time it takes is not what this test is about).
    const flood = file('flood.lua', 'for i = 1, 2000 do print(string.rep("x", 100)) end\nreturn true');
    const { code, stdout } = cli(
      'run',
      flood,
      '--hook',
      'signup.before',
      '--event',
      path.join(tmp, 'ok.json'),
      '--timeout-ms',
      '10000',
    );
    expect(code).toBe(0);
    const output = JSON.parse(stdout);
    expect(output.logs.length).toBeLessThanOrEqual(100);
    expect(output.logsDropped.entries).toBeGreaterThan(0);
    expect(stdout.length).toBeLessThan(64 * 1024);
  });

  it('exits 2 with one line naming the file, line or field on bad input', () => {
    const script = path.join(tmp, 'allow.lua');
    const broken = cli(
      'run',
      script,
      '--hook',
      'signup.before',
      '--event',
      file('broken.json', '{\n  "request": {\n  oops\n}'),
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim()).toMatch(/^pipeline-studio: run: .*broken\.json:3:\d+: invalid JSON/);
    const missing = cli(
      'run',
      script,
      '--hook',
      'signup.before',
      '--event',
      file('nomail.json', JSON.stringify({ request: { ip: '1.2.3.4' }, user: {}, provider: 'email' })),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('user.email');
    expect(cli('run', script, '--hook', 'signup.sometimes', '--event', 'x.json').code).toBe(2);
    expect(
      cli('run', path.join(tmp, 'nope.lua'), '--hook', 'signup.before', '--event', path.join(tmp, 'ok.json')).stderr,
    ).toContain('nope.lua: no such file');
    expect(
      cli('run', script, '--hook', 'signup.before', '--event', path.join(tmp, 'ok.json'), '--timeout-ms', '20000').code,
    ).toBe(2);
  });
});

describe('check', () => {
  it('accepts the example bundle', () => {
    const { code, stdout } = cli('check', example);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, name: 'acme-auth', scripts: 3, problems: [] });
  });

  it('lists a script that does not compile with its file and line, and a bundle over the limits', () => {
    const dir = path.join(tmp, 'broken-bundle');
    cpSync(example, dir, { recursive: true });
    writeFileSync(path.join(dir, 'scripts', 'add-roles.lua'), 'local x = 1\nlocal y = 2\nreturn = 3\n');
    const { code, stdout, stderr } = cli('check', dir);
    expect(code).toBe(1);
    const problems = JSON.parse(stdout).problems as { where: string; message: string; line?: number }[];
    expect(problems).toEqual([expect.objectContaining({ where: 'scripts/add-roles.lua:3', line: 3 })]);
    expect(stderr).toContain('scripts/add-roles.lua:3: SYNTAX_ERROR');

    const crowded = path.join(tmp, 'crowded-bundle');
    cpSync(example, crowded, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(example, 'pipeline.json'), 'utf8'));
    manifest.hooks['signup.before'].layers = [Array(6).fill('block-disposable')];
    manifest.hooks['unknown.hook'] = { layers: [['add-roles']] };
    writeFileSync(path.join(crowded, 'pipeline.json'), JSON.stringify(manifest));
    const result = cli('check', crowded);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems.length).toBeGreaterThanOrEqual(2);
  });

  it('exits 2 when the folder does not exist', () => {
    expect(cli('check', path.join(tmp, 'missing')).code).toBe(2);
  });
});

describe('replay', () => {
  it('prints a line per event and a summary, agreeing with the recorded outcomes', () => {
    const { code, stdout, stderr } = cli('replay', example, '--events', exampleEvents, '--json');
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.id ?? 'summary')).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_4', 'summary']);
    expect(lines[0]).toMatchObject({
      hook: 'signup.before',
      ok: true,
      allow: false,
      reason: 'disposable email',
      mismatch: null,
    });
    expect(lines[2]).toMatchObject({ data: { claims: { tier: 'pro', region: 'eu' } } });
    expect(lines[0].traceId).toMatch(/^[0-9a-f]{32}$/);
    // Each event in one bucket: the enrichment and the async event have theirs.
    expect(lines[4].summary).toMatchObject({
      events: 4,
      allowed: 1,
      denied: 1,
      errors: 0,
      enriched: 1,
      accepted: 1,
      mismatches: 0,
    });
    expect(stderr).toContain('replay');
  });

  it('reports a bad line by number, keeps the others, and flags a mismatch', () => {
    const text = [
      JSON.stringify({
        id: 'e1',
        hook: 'signup.before',
        event: JSON.parse(signupEvent('a@example.com')),
        outcome: { allow: false, reason: 'was denied' },
      }),
      '{ this is not json',
      JSON.stringify({ id: 'e2', hook: 'signup.before', event: JSON.parse(signupEvent('b@example.com')) }),
    ].join('\n');
    const { code, stdout, stderr } = cli('replay', example, '--events', file('mixed.ndjson', text), '--json');
    expect(code).toBe(1);
    expect(stderr).toMatch(/mixed\.ndjson:2: /);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines[0].mismatch).not.toBeNull();
    expect(lines[1].mismatch).toBeNull();
    expect(lines[2].summary).toMatchObject({ events: 2, mismatches: 1 });
  });

  it('replays only the hook asked for', () => {
    const { stdout } = cli('replay', example, '--events', exampleEvents, '--json', '--hook', 'token.enrich');
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.id ?? 'summary')).toEqual(['evt_3', 'summary']);
  });

  it('exits 2 on an unreadable events file or a missing flag', () => {
    expect(cli('replay', example, '--events', path.join(tmp, 'none.ndjson')).code).toBe(2);
    expect(cli('replay', example).code).toBe(2);
  });
});
