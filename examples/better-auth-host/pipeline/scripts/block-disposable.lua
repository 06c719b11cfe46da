-- Refuse sign-ups from disposable mailbox providers.
local disposable = { ["mailinator.com"] = true, ["10minutemail.com"] = true, ["trashmail.io"] = true }
local domain = string.match(event.user.email, "@([^@]+)$")
if domain and disposable[string.lower(domain)] then
  helpers.log("refused", domain)
  return { allow = false, reason = "disposable email addresses are not accepted", code = "DISPOSABLE" }
end
return true
