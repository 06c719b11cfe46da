-- Token claims from the user's role and the deployment region.
local role = event.user.role or "member"
return { claims = { tier = role == "admin" and "pro" or "free", region = helpers.env("REGION") } }
