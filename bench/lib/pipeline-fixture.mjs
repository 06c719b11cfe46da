// The pipeline the benchmarks replay: 5 scripts in 3 layers on signup.before, doing what real
// sign-up guards do (string matching, table lookups, a little arithmetic), no helpers, so the bare
// wasmoon baseline can run exactly the same Lua.

export const scripts = {
  'block-disposable': `
local domain = string.match(event.user.email, "@([%w%.%-]+)$") or ""
local disposable = { ["mailinator.com"] = true, ["guerrillamail.com"] = true, ["10minutemail.com"] = true, ["trashmail.io"] = true }
if disposable[string.lower(domain)] then
  return { allow = false, reason = "disposable email", code = "DISPOSABLE" }
end
return true`,
  'ip-reputation': `
local a, b, c, d = string.match(event.request.ip, "^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
if not a then return { allow = true } end
local n = ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) * 256 + tonumber(d)
local blocked = { { 3325256704, 3325256959 }, { 167772160, 184549375 } }
for _, range in ipairs(blocked) do
  if n >= range[1] and n <= range[2] then return { allow = false, reason = "blocked network" } end
end
return { allow = true }`,
  'risk-score': `
local score = 0
local ua = event.request.userAgent or ""
if ua == "" then score = score + 30 end
if string.find(ua, "curl", 1, true) or string.find(ua, "python", 1, true) then score = score + 40 end
local name = event.user.name or ""
for i = 1, #name do
  local ch = string.byte(name, i)
  if ch >= 48 and ch <= 57 then score = score + 2 end
end
if event.request.country == "XX" then score = score + 25 end
return { allow = true, score = score }`,
  'normalize-name': `
local name = event.user.name or ""
local clean = string.gsub(string.lower(name), "[^%a%s]", "")
local words = {}
for word in string.gmatch(clean, "%a+") do words[#words + 1] = word end
return { allow = #words > 0 or name == "", words = #words }`,
  'final-decision': `
local risk = ctx.results["risk-score"]
if risk and risk.score and risk.score >= 60 then
  return { allow = false, reason = "risk score " .. risk.score }
end
return true`,
};

export const layers = [['block-disposable', 'ip-reputation'], ['risk-score', 'normalize-name'], ['final-decision']];

export function bundle() {
  return {
    format: 'pipeline-studio/bundle@1',
    name: 'bench',
    scripts: Object.fromEntries(
      Object.entries(scripts).map(([id, source]) => [id, { file: `scripts/${id}.lua`, source }]),
    ),
    hooks: { 'signup.before': { layers } },
    env: {},
    secrets: [],
  };
}

const domains = ['example.com', 'acme.io', 'mailinator.com', 'corp.example.org', 'gmail.com'];
const agents = ['Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0', 'curl/8.5.0', '', 'Mozilla/5.0 (Macintosh) Safari/17'];

/** Deterministic events: the same 20,000 every run. */
export function events(count) {
  const list = [];
  for (let i = 0; i < count; i += 1) {
    list.push({
      id: `evt_${i}`,
      hook: 'signup.before',
      event: {
        request: {
          ip: `${(i * 7) % 256}.${(i * 13) % 256}.${(i * 17) % 256}.${(i * 19) % 256}`,
          userAgent: agents[i % agents.length],
          country: i % 11 === 0 ? 'XX' : 'NL',
        },
        at: '2026-11-20T10:00:00.000Z',
        user: { email: `user${i}@${domains[i % domains.length]}`, name: i % 9 === 0 ? `Bot ${i}` : 'Ada Lovelace' },
        provider: 'email',
      },
    });
  }
  return list;
}
