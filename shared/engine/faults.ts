import { z } from 'zod';
import { isValidScriptId, isValidSecretName } from './bundle';

// Faults injected into a run, for what-if replays (docs/engine.md, "Fault injection"): what users
// would get if a service a script calls failed, a secret were missing or a script itself failed.
// Plain data: it travels with each engine job to the worker. The engine applies it
// (shared/engine/node: pool.ts settles faulted scripts, sandbox/script-run.ts answers faulted fetches
// and secrets); this file only describes, parses, checks and names it.

/** How a faulted helpers.fetch answers: as an unreachable host, never, or with that status. */
export type FetchFaultAnswer = 'error' | 'timeout' | { status: number };

export interface FetchFault {
  fault: FetchFaultAnswer;
  /** Only requests to this host (lowercase, no trailing dot); every request when absent. */
  host?: string;
}

/** A faulted script is settled without running: TIMEOUT or RUNTIME_ERROR. */
export type ScriptFault = 'timeout' | 'error';

export interface Faults {
  /** A fault naming the request's host wins over one that names none. */
  fetch?: FetchFault[];
  /** Declared secrets that read as missing (SECRET_NOT_FOUND); they are never looked up. */
  secrets?: string[];
  /** Script id → how it is settled; ids the plan does not have are ignored. */
  scripts?: Record<string, ScriptFault>;
}

export const maxFaults = 64;
const minStatus = 200;
const maxStatus = 599;
// A host name or an IP literal as URL.hostname gives it (IPv6 in brackets).
const hostPattern = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/;

/** The host as faults compare it: lowercase, without a trailing dot. */
export function normalizeFaultHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

const hostSchema = z
  .string()
  .max(253)
  .refine((host) => hostPattern.test(host), 'a host name such as api.example.com (lowercase, no port)');
const fetchFaultSchema = z
  .object({
    fault: z.union([
      z.literal('error'),
      z.literal('timeout'),
      z.object({ status: z.number().int().min(minStatus).max(maxStatus) }).strict(),
    ]),
    host: hostSchema.optional(),
  })
  .strict();

/** The contract's form of Faults (replay.start's `faults`). */
export const faultsSchema = z
  .object({
    fetch: z.array(fetchFaultSchema).max(maxFaults).optional(),
    secrets: z.array(z.string().refine(isValidSecretName, 'a secret name (A-Z, 0-9, _)')).max(maxFaults).optional(),
    scripts: z
      .record(z.string().refine(isValidScriptId, 'a script id'), z.enum(['timeout', 'error']))
      .refine((scripts) => Object.keys(scripts).length <= maxFaults, `at most ${maxFaults} scripts`)
      .optional(),
  })
  .strict();

/** Whether the faults would change anything at all. */
export function hasFaults(faults: Faults | undefined): faults is Faults {
  if (!faults) return false;
  return (
    (faults.fetch?.length ?? 0) > 0 || (faults.secrets?.length ?? 0) > 0 || Object.keys(faults.scripts ?? {}).length > 0
  );
}

export type FaultParse = { ok: true; faults: Faults } | { ok: false; message: string };

/**
 * Parses the CLI's `--fault` values: `fetch=error|timeout|STATUS[@host]`, `secret=NAME`,
 * `script=ID:timeout|error`. Every value is checked; the first bad one is named in the message.
 */
export function parseFaultFlags(flags: readonly string[]): FaultParse {
  const fetch: FetchFault[] = [];
  const secrets: string[] = [];
  const scripts: Record<string, ScriptFault> = {};
  for (const flag of flags) {
    const problem = addFlag(flag, { fetch, secrets, scripts });
    if (problem) return { ok: false, message: `--fault ${JSON.stringify(flag.slice(0, 300))}: ${problem}` };
  }
  if (fetch.length + secrets.length + Object.keys(scripts).length > maxFaults) {
    return { ok: false, message: `at most ${maxFaults} faults` };
  }
  const faults: Faults = {};
  if (fetch.length > 0) faults.fetch = fetch;
  if (secrets.length > 0) faults.secrets = secrets;
  if (Object.keys(scripts).length > 0) faults.scripts = scripts;
  return { ok: true, faults };
}

function addFlag(flag: string, into: Required<Faults>): string | undefined {
  const equals = flag.indexOf('=');
  const kind = equals < 0 ? flag : flag.slice(0, equals);
  const value = equals < 0 ? '' : flag.slice(equals + 1);
  switch (kind) {
    case 'fetch':
      return addFetch(value, into.fetch);
    case 'secret':
      if (!isValidSecretName(value)) return 'expected secret=NAME (a secret name: A-Z, 0-9, _)';
      if (!into.secrets.includes(value)) into.secrets.push(value);
      return undefined;
    case 'script': {
      const colon = value.lastIndexOf(':');
      const id = value.slice(0, Math.max(0, colon));
      const fault = value.slice(colon + 1);
      if (colon < 0 || !isValidScriptId(id) || (fault !== 'timeout' && fault !== 'error')) {
        return 'expected script=ID:timeout or script=ID:error';
      }
      if (into.scripts[id] !== undefined) return `script ${id} is given twice`;
      into.scripts[id] = fault;
      return undefined;
    }
    default:
      return 'expected fetch=…, secret=… or script=…';
  }
}

function addFetch(value: string, into: FetchFault[]): string | undefined {
  const at = value.indexOf('@');
  const answer = at < 0 ? value : value.slice(0, at);
  const host = at < 0 ? undefined : normalizeFaultHost(value.slice(at + 1));
  let fault: FetchFaultAnswer;
  if (answer === 'error' || answer === 'timeout') fault = answer;
  else if (/^\d{3}$/.test(answer) && Number(answer) >= minStatus && Number(answer) <= maxStatus) {
    fault = { status: Number(answer) };
  } else {
    return `expected fetch=error, fetch=timeout or fetch=STATUS (${minStatus}-${maxStatus}), optionally @host`;
  }
  if (host !== undefined && (host.length > 253 || !hostPattern.test(host))) {
    return 'the host must be a host name such as api.example.com (no scheme, port or path)';
  }
  if (into.some((existing) => existing.host === host)) {
    return host === undefined ? 'a fetch fault for every host is given twice' : `host ${host} is given twice`;
  }
  into.push(host === undefined ? { fault } : { fault, host });
  return undefined;
}

/** The faults in the CLI's own words (`fetch=500@api.example.com, secret=TOKEN`), for labels and output. */
export function describeFaults(faults: Faults): string {
  const parts: string[] = [];
  for (const { fault, host } of faults.fetch ?? []) {
    const answer = typeof fault === 'string' ? fault : String(fault.status);
    parts.push(`fetch=${answer}${host === undefined ? '' : `@${host}`}`);
  }
  for (const name of faults.secrets ?? []) parts.push(`secret=${name}`);
  for (const [id, fault] of Object.entries(faults.scripts ?? {})) parts.push(`script=${id}:${fault}`);
  return parts.join(', ');
}

/** The label of a run made with faults: "what-if: " and the faults, within the contract's 200 characters. */
export function whatIfLabel(faults: Faults): string {
  const label = `what-if: ${describeFaults(faults)}`;
  return label.length <= 200 ? label : `${label.slice(0, 199)}…`;
}

/** The fetch fault for a request's host, if any: one naming the host wins over one naming none. */
export function fetchFaultFor(faults: Faults | undefined, host: string): FetchFault | undefined {
  const list = faults?.fetch;
  if (!list || list.length === 0) return undefined;
  const wanted = normalizeFaultHost(host);
  return list.find((fault) => fault.host === wanted) ?? list.find((fault) => fault.host === undefined);
}
