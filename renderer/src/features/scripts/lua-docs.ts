// Signatures and docs of the script globals (docs/engine.md), for completions and hovers.

export interface GlobalDoc {
  name: string;
  signature: string;
  doc: string;
  /** Snippet inserted by a completion. */
  insert: string;
}

export const helperDocs: GlobalDoc[] = [
  {
    name: 'log',
    signature: 'helpers.log([level,] ...values)',
    doc: 'Writes to the script\'s log (100 entries, 16 KB at most). A first argument "debug", "info", "warn" or "error" sets the level; `print(...)` logs at info.',
    insert: 'log("${1:info}", ${2:message})',
  },
  {
    name: 'hash',
    signature: 'helpers.hash(alg, text) -> string',
    doc: '`alg` is "sha256", "sha1" or "md5"; returns lowercase hex.',
    insert: 'hash("${1:sha256}", ${2:text})',
  },
  { name: 'now', signature: 'helpers.now() -> number', doc: 'Milliseconds since the epoch.', insert: 'now()' },
  {
    name: 'env',
    signature: 'helpers.env(name) -> string | nil',
    doc: "A pipeline variable (the bundle's `env`), never the process environment.",
    insert: 'env("${1:NAME}")',
  },
  {
    name: 'matches',
    signature: 'helpers.matches(text, pattern) -> boolean',
    doc: "RE2 syntax: linear time, no backreferences or lookaround. Pattern ≤ 1 KB, text ≤ 1 MB; bounded by the script's deadline.",
    insert: 'matches(${1:text}, "${2:pattern}")',
  },
  {
    name: 'fetch',
    signature: 'helpers.fetch(url, opts) -> { status, headers, body }',
    doc: 'HTTPS only; private, loopback and reserved addresses are refused at connect time; at most 5 redirects, 3 s, 1 MB. Errors start with FETCH_BLOCKED: or FETCH_FAILED:.',
    insert: 'fetch("${1:https://}", { method = "${2:GET}" })',
  },
  {
    name: 'secret',
    signature: 'helpers.secret(name) -> string',
    doc: 'A secret the pipeline declares, from the OS keychain of the environment. Values are masked in logs and errors; SECRET_NOT_FOUND otherwise.',
    insert: 'secret("${1:NAME}")',
  },
];

export const ctxDocs: GlobalDoc[] = [
  {
    name: 'hook',
    signature: 'ctx.hook: string',
    doc: 'The id of the hook that runs, e.g. "signup.before".',
    insert: 'hook',
  },
  {
    name: 'data',
    signature: 'ctx.data: table',
    doc: 'Enrichment merged so far by earlier layers (deep-merged; later in a layer wins).',
    insert: 'data',
  },
  {
    name: 'results',
    signature: 'ctx.results: table',
    doc: 'Return values of the scripts of earlier layers, by script id.',
    insert: 'results',
  },
  {
    name: 'env',
    signature: 'ctx.env: table',
    doc: 'The pipeline variables (same as helpers.env(name)).',
    insert: 'env',
  },
];

export const rootDocs: Record<string, string> = {
  event: "The hook's payload: `request`, `at`, `user` and the fields of the hook. Each script gets its own copy.",
  ctx: '`hook`, `data` (enrichment so far), `results` (earlier layers), `env` (pipeline variables).',
  helpers: 'log, hash, now, env, matches, fetch, secret.',
};
