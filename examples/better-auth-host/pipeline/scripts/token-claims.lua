-- Claims for the user's tokens, from what sign-up enrichment stored.
local meta = event.user.metadata or {}
return { claims = { plan = event.user.plan or "free", company = meta.company, region = helpers.env("REGION") } }
