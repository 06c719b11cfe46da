// The sandbox's environment, in Lua, loaded once per engine with the full (minimal) standard
// library; chunk arguments: the JSON codec and a table of host C functions. It captures what it
// needs in locals, protects the shared string metatable, removes the dangerous globals of the
// engine's own state, and returns the entry points the host calls:
//
//   compile(source) -> fn | nil, syntax error                the host caches fn per engine
//   prepare(input_json) -> env                               a fresh environment per run
//   run_body(fn, env) -> json | nil, why                     body of the run's coroutine
//   error_info(err, co) -> message, line                     reads an error without metamethods
//   collect()                                                full GC between heavy runs
//
// Scripts see only what prepare() builds (docs/engine.md's Sandbox section lists every global
// against Lua 5.4's base library). Library tables are fresh copies per run,
// so `string.upper = f` in one run is gone in the next; functions themselves are immutable.
// Limits that Lua hooks cannot enforce are closed here instead (docs/engine.md, "Measured facts
// about wasmoon": sticky count hook):
// setmetatable refuses __gc (finalizers run with hooks off), xpcall never runs a script's message
// handler as a message handler (it would run with hooks off), and coroutine.wrap/close skip the
// closing of a coroutine that a limit killed (its __close handlers would run with hooks off).
// Async helpers yield a private token through every script coroutine up to the host, which
// awaits the promise and resumes the run (docs/engine.md, "Measured facts about wasmoon":
// awaiting from Lua).

export const sandboxEnvSource = String.raw`
local codec, host = ...
local decode, encode = codec.decode, codec.encode
local host_log, host_hash, host_now, host_matches, host_async, host_limit_hit =
  host.log, host.hash, host.now, host.matches, host.async, host.limit_hit

local type, next, select, rawget, rawequal, pcall, error, tostring, tonumber, load, assert =
  type, next, select, rawget, rawequal, pcall, error, tostring, tonumber, load, assert
local pairs, ipairs, setmetatable, getmetatable = pairs, ipairs, setmetatable, getmetatable
local co_create, co_resume, co_yield, co_status, co_running, co_close, co_isyieldable =
  coroutine.create, coroutine.resume, coroutine.yield, coroutine.status, coroutine.running,
  coroutine.close, coroutine.isyieldable
local t_pack, t_unpack, t_concat = table.pack, table.unpack, table.concat
local s_match, s_sub, s_gsub = string.match, string.sub, string.gsub
local randomseed = math.randomseed
local getinfo, upvaluejoin = debug.getinfo, debug.upvaluejoin
local collectgarbage = collectgarbage

local function copy(t)
  local c = {}
  for k, v in next, t do c[k] = v end
  return c
end

-- A function returning a fresh copy of t, built as one table constructor: Lua sizes the table
-- once instead of rehashing as keys arrive (measured: most of the cost of a trivial run).
local function copier(t)
  local keys = {}
  for k in next, t do keys[#keys + 1] = k end
  table.sort(keys)
  local fields = {}
  for i, k in ipairs(keys) do fields[i] = string.format("[%q] = t[%q]", k, k) end
  local make = load("local t = ... return function() return { " .. table.concat(fields, ", ") .. " } end", "=copier", "t")
  return make(t)
end

local lib_string = copy(string)
lib_string.dump = nil
local new_string, new_table, new_math, new_utf8 = copier(lib_string), copier(table), copier(math), copier(utf8)

-- ("x"):upper() goes through the one string metatable of the engine: point it at a private copy
-- behind a read-only proxy. getmetatable("") returns the metatable's __metatable field, as Lua
-- does for a protected metatable: an empty read-only table whose __index reads as that proxy,
-- so getmetatable("").__index.upper works and nothing of it can be changed (docs/engine.md).
do
  local methods = copy(lib_string)
  local function read_only() error("string methods are read-only", 2) end
  local proxy = setmetatable({}, { __index = methods, __newindex = read_only, __metatable = false })
  local shown = setmetatable({}, { __index = { __index = proxy }, __newindex = read_only, __metatable = false })
  local mt = getmetatable("")
  mt.__index = proxy
  mt.__metatable = shown
end

-- Per-run state; one run at a time per engine. The run's thread is held weakly: a strong
-- reference would keep a finished run's locals alive, and their memory would count against the
-- next run's cap.
local AWAIT = {}
local current = setmetatable({}, { __mode = "v" })
local run_marks, env_vars

-- Raises an error on a script's behalf with the position Lua gives an error raised by a C
-- function: that of its caller, skipping this prelude's own frames, when the caller is Lua code
-- (none when it is pcall or another C function). error(msg, 2) would blame the prelude when the
-- script tail-calls the helper (return helpers.fetch(...)).
local function raise(message)
  for level = 2, 40 do
    local info = getinfo(level, "Sl")
    if not info then break end
    if info.source ~= "=sandbox" then
      if info.what ~= "C" and info.currentline > 0 then
        error(info.short_src .. ":" .. info.currentline .. ": " .. message, 0)
      end
      break
    end
  end
  error(message, 0)
end

local function type_error(n, name, expected, got)
  raise("bad argument #" .. n .. " to '" .. name .. "' (" .. expected .. " expected, got " .. type(got) .. ")")
end

-- Coroutines: pass the host's await token through script coroutines, refuse a top-level yield.
local function resume(co, ...)
  if type(co) ~= "thread" then type_error(1, "resume", "coroutine", co) end
  local r = t_pack(co_resume(co, ...))
  while r[1] and rawequal(r[2], AWAIT) do
    r = t_pack(co_resume(co, co_yield(AWAIT, r[3])))
  end
  return t_unpack(r, 1, r.n)
end

local function wrap(f)
  if type(f) ~= "function" then type_error(1, "wrap", "function", f) end
  local co = co_create(f)
  return function(...)
    local r = t_pack(resume(co, ...))
    if r[1] then return t_unpack(r, 2, r.n) end
    if not host_limit_hit() then co_close(co) end
    error(r[2], 2)
  end
end

local new_coroutine = copier({
  create = co_create,
  status = co_status,
  resume = resume,
  wrap = wrap,
  yield = function(...)
    if co_running() == current.thread then error("attempt to yield from outside a coroutine", 2) end
    return co_yield(...)
  end,
  running = function()
    local co = co_running()
    return co, co == current.thread
  end,
  -- The run's own thread stands for Lua's main thread, which cannot yield.
  isyieldable = function(...)
    local co = ...
    if select("#", ...) == 0 then
      co = co_running()
    elseif type(co) ~= "thread" then
      type_error(1, "isyieldable", "coroutine", co)
    end
    return co ~= current.thread and co_isyieldable(co)
  end,
  close = function(co)
    if host_limit_hit() then error("a limit was exceeded", 0) end
    if type(co) ~= "thread" then type_error(1, "close", "coroutine", co) end
    local ok, a, b = pcall(co_close, co)
    if not ok then raise(a) end
    return a, b
  end,
})

local function sandbox_setmetatable(t, mt)
  if type(t) ~= "table" then type_error(1, "setmetatable", "table", t) end
  if mt ~= nil then
    if type(mt) ~= "table" then type_error(2, "setmetatable", "nil or table", mt) end
    if rawget(mt, "__gc") ~= nil then raise("setmetatable: __gc metamethods are not allowed") end
  end
  local ok, err = pcall(setmetatable, t, mt)
  if not ok then raise(err) end
  return t
end

-- The handler runs after the failed call returns, as ordinary code that hooks still count. As in
-- Lua, a handler that fails is called again with its own error, until Lua's C-stack bound (200
-- calls) would end it with "error in error handling".
local function sandbox_xpcall(f, handler, ...)
  if type(handler) ~= "function" then type_error(2, "xpcall", "function", handler) end
  local r = t_pack(pcall(f, ...))
  if r[1] then return t_unpack(r, 1, r.n) end
  local err = r[2]
  for _ = 1, 200 do
    if host_limit_hit() then error(err, 0) end
    local ok, handled = pcall(handler, err)
    if ok then return false, handled end
    err = handled
  end
  return false, "error in error handling"
end

-- Helpers ----------------------------------------------------------------------------------

local function join(sep, n, ...)
  local parts = t_pack(...)
  for i = 1, n do parts[i] = tostring(parts[i]) end
  return t_concat(parts, sep, 1, n)
end

local function print(...)
  host_log(1, join("\t", select("#", ...), ...))
end

local levels = { debug = 0, info = 1, warn = 2, error = 3 }
-- helpers.log(level, ...) when the first of several arguments names a level, else info.
local function log(...)
  local n = select("#", ...)
  local level = n > 1 and levels[(...)]
  if level then
    host_log(level, join(" ", n - 1, select(2, ...)))
  else
    host_log(1, join(" ", n, ...))
  end
end

local function text_arg(n, name, value)
  if type(value) == "number" then return tostring(value) end
  if type(value) ~= "string" then type_error(n, name, "string", value) end
  return value
end

local function hash(algorithm, text)
  algorithm = text_arg(1, "hash", algorithm)
  text = text_arg(2, "hash", text)
  local digest, err = host_hash(algorithm, text)
  if not digest then raise(err) end
  return digest
end

local function matches(text, pattern)
  text = text_arg(1, "matches", text)
  pattern = text_arg(2, "matches", pattern)
  local result, err = host_matches(text, pattern)
  if result == nil then raise(err) end
  return result
end

local function env(name)
  if type(name) ~= "string" then return nil end
  return env_vars[name]
end

local function await(id, err)
  if not id then raise(err) end
  local ok, payload = co_yield(AWAIT, id)
  if not ok then raise(payload) end
  return payload
end

local function check_yieldable(name)
  if not co_isyieldable() then
    raise("helpers." .. name .. " cannot be called here (inside a metamethod or a library callback)")
  end
end

local function fetch(url, options)
  if type(url) ~= "string" then type_error(1, "fetch", "string", url) end
  if options ~= nil and type(options) ~= "table" then type_error(2, "fetch", "table", options) end
  check_yieldable("fetch")
  local init = "null"
  if options ~= nil then
    local why
    init, why = encode({
      method = options.method, headers = options.headers, body = options.body, timeoutMs = options.timeoutMs,
    })
    if not init then raise("helpers.fetch: options" .. s_sub(why, 7)) end
  end
  local payload = await(host_async("fetch", url, init))
  return decode(payload, run_marks)
end

local function secret(name)
  if type(name) ~= "string" then type_error(1, "secret", "string", name) end
  check_yieldable("secret")
  local value = await(host_async("secret", name))
  return value
end

-- Entry points -----------------------------------------------------------------------------

-- A compiled chunk is reused by later runs, and its closures must not share one _ENV cell across
-- runs: each run points the chunk's _ENV upvalue (the first and only upvalue of a main chunk) at
-- a fresh cell holding the run's environment. The chunk is the script's text as it is, so syntax
-- errors and line numbers are Lua's own (those of syntax-check.ts), and it is called with no
-- arguments, so the script's top-level ... is empty.
local compile_env = setmetatable({}, { __newindex = function() end, __metatable = false })
local function compile(source)
  local chunk, err = load(source, "=script", "t", compile_env)
  if not chunk then return nil, err end
  return function(env)
    upvaluejoin(chunk, 1, function() return env end, 1)
    return chunk()
  end
end

local function prepare(input)
  randomseed()
  run_marks = setmetatable({}, { __mode = "k" })
  local data = decode(input, run_marks)
  local ctx = data.ctx
  env_vars = copy(ctx.env or {})
  local sandbox = {
    event = data.event,
    ctx = ctx,
    helpers = {
      log = log, hash = hash, now = host_now, env = env, matches = matches, fetch = fetch, secret = secret,
    },
    string = new_string(),
    table = new_table(),
    math = new_math(),
    utf8 = new_utf8(),
    coroutine = new_coroutine(),
    pairs = pairs, ipairs = ipairs, next = next, select = select, type = type,
    tostring = tostring, tonumber = tonumber, pcall = pcall, xpcall = sandbox_xpcall,
    error = error, assert = assert, print = print,
    setmetatable = sandbox_setmetatable, getmetatable = getmetatable,
    _VERSION = _VERSION,
  }
  return sandbox
end

local function run_body(fn, sandbox)
  current.thread = co_running()
  return encode(fn(sandbox), run_marks)
end

local function script_line(co)
  for level = 0, 40 do
    local info = getinfo(co, level, "Sl")
    if not info then return nil end
    if info.source == "=script" and info.currentline > 0 then return info.currentline end
  end
end

local function error_info(e, co)
  local message
  local kind = type(e)
  if kind == "string" then
    message = e
  elseif kind == "number" then
    message = tostring(e)
  elseif kind == "table" and type(rawget(e, "message")) == "string" then
    message = rawget(e, "message")
  else
    message = "(error object is a " .. kind .. " value)"
  end
  if #message > 4000 then message = s_sub(message, 1, 4000) .. "..." end
  -- An error raised inside this chunk on a script's behalf: blame the script's line instead.
  message = s_gsub(message, "^sandbox:%d+: ", "")
  local line = tonumber(s_match(message, "^script:(%d+):"))
  if not line and co then line = script_line(co) end
  return message, line
end

local function collect() collectgarbage("collect") end

-- The engine's own globals are never shown to scripts; drop the dangerous ones all the same.
for _, name in next, { "debug", "load", "dofile", "loadfile", "collectgarbage", "require" } do _ENV[name] = nil end
string.dump = nil

return { compile = compile, prepare = prepare, run_body = run_body, error_info = error_info, collect = collect }
`;
