-- Fields for the new user. `plan` is a column the host declared (user.additionalFields), so it
-- lands there; `company` and `signupProvider` land in the plugin's JSON column (user.metadata).
-- Only the domain is read: captured events mask the mailbox, and replays must decide the same.
local domain = string.lower(string.match(event.user.email, "@([^@]+)$") or "")
local plan = "free"
if domain == "example.com" then
  plan = "team"
end
return { plan = plan, company = domain, signupProvider = event.provider }
