print("new user " .. (event.user.id or "?"))
return { audited = true }
