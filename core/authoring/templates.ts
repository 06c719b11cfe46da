// The first version of a new script, per the mode of the hooks it is meant for. Each one runs as
// it is on every hook of its mode (templates.test.ts runs them through the engine on each hook's
// sample payload), so a freshly attached script never breaks a pipeline, and each shows the shape
// of the value its mode expects. A script is not tied to a hook, so they read only what every
// payload has (`event.user.email`, `ctx.hook`) and guard it anyway.

export type ScriptTemplate = 'blocking' | 'enrichment' | 'async' | 'blank';

const blocking = `-- Blocking hook (*.before): decide whether the operation may go ahead.
-- Allow: return nil, true or { allow = true }.
-- Deny:  return { allow = false, reason = "...", code = "..." }.
--        The reason may be shown to the person signing in, so keep internals out of it.
local email = string.lower(event.user and event.user.email or "")

-- Example: refuse addresses of one domain (replace blocked.example with yours).
if email:match("@blocked%.example$") then
  return { allow = false, reason = "Sign-ups with this email domain are not allowed.", code = "DOMAIN_BLOCKED" }
end

return { allow = true }
`;

const enrichment = `-- Enrichment hook (*.enrich): return a table of fields; they are merged into the record
-- (user, session or token claims). Later layers see the merged fields in ctx.data.
-- Return nil to add nothing.
local email = event.user and event.user.email or ""
local domain = email:match("@([^@]+)$") or ""

return {
  emailDomain = string.lower(domain),
}
`;

const async = `-- Async hook (*.after): runs after the operation without delaying it. What it returns is
-- only recorded in the trace; use it to notify or to record what happened.
local email = event.user and event.user.email or ""
helpers.log("info", ctx.hook .. " for " .. email)

return { recorded = true }
`;

const blank = `-- event: the payload; ctx: hook, data, results, env; helpers: log, hash, now, env, matches, fetch, secret.

return nil
`;

const templates: Record<ScriptTemplate, string> = { blocking, enrichment, async, blank };

export function templateSource(template: ScriptTemplate): string {
  return templates[template];
}
