-- portcullis.lua: the check of portcullis enforce, inside nginx.
--
-- One worker follows enforce's feed (GET /v1/feed on enforce's admin
-- listener: a snapshot of its view, then the changes, long-polled) into two
-- lua_shared_dicts; every worker answers from them in the access phase,
-- with no round trip for the common cases:
--
--   * a block on the client's address, IPv6 /64 or prefix: refused (403,
--     or 429 with Retry-After when enforce's refuse.status is 429), with
--     X-Portcullis-Decision naming the decision, unless allowlisted;
--   * a log decision, or none: let through;
--   * a throttle or challenge decision, and any request that carries the
--     API key or user header while enforce holds decisions on keys or
--     users (their ids are hashes this check does not compute): asked of
--     enforce through the /.portcullis/check location, as auth_request
--     asks, and answered as it says (403; 429 with Retry-After; 302 to the
--     challenge);
--   * when the feed has not confirmed the view for enforce's max_staleness
--     (enforce stopped, or its Redis unreachable): enforce's fail mode,
--     by route. Open keeps the blocks held until they lapse and lets the
--     rest through; closed refuses all but the allowlist.
--
-- The client is $binary_remote_addr: the peer, or what nginx's realip
-- module set from a trusted load balancer. Request headers never name it.
--
-- Use (portcullis-lua-http.conf):
--   init_worker_by_lua_block { require("portcullis").init({feed = "127.0.0.1:9181"}) }
-- and in a server or location (portcullis-lua-server.conf):
--   access_by_lua_block { require("portcullis").check() }

local _M = {}

local ngx = ngx
local byte, sub, char, rep, find = string.byte, string.sub, string.char, string.rep, string.find
local tonumber, tostring, floor = tonumber, tostring, math.floor
local band, lshift = bit.band, bit.lshift

local opts, blocks, meta
local mapped = "\0\0\0\0\0\0\0\0\0\0\255\255"

-- The state the follower writes and each worker reads again when "gen"
-- changes.
local st = {}
-- What check last read of the view's generation and age, and when.
local cached = { at = -1, gen = nil, stale_at = 0 }

local function split(s, sep)
  local out, i = {}, 1
  if s == nil or s == "-" or s == "" then return out end
  while true do
    local j = find(s, sep, i, true)
    if not j then out[#out + 1] = sub(s, i); return out end
    out[#out + 1] = sub(s, i, j - 1)
    i = j + 1
  end
end

local function unhex(h)
  return (h:gsub("..", function(c) return char(tonumber(c, 16)) end))
end

-- masked returns the first bits of addr (binary), the rest zero.
local function masked(addr, bits)
  local full, rest = floor(bits / 8), bits % 8
  local s = sub(addr, 1, full)
  if rest > 0 then
    s = s .. char(band(byte(addr, full + 1), band(lshift(0xff, 8 - rest), 0xff)))
  end
  return s .. rep("\0", #addr - #s)
end

local function load_state(gen)
  st.gen = gen
  st.fail = meta:get("fail") or opts.fail_mode
  st.status = meta:get("status") or 403
  st.max_retry = meta:get("max_retry") or 3600
  st.ids = meta:get("ids") or 0
  st.allow_ids = meta:get("allow_ids") or 0
  st.key_var = meta:get("key_var")
  st.user_var = meta:get("user_var")
  st.lens = { [4] = {}, [16] = {} }
  for _, l in ipairs(split(meta:get("lens4"), ",")) do st.lens[4][#st.lens[4] + 1] = tonumber(l) end
  for _, l in ipairs(split(meta:get("lens6"), ",")) do st.lens[16][#st.lens[16] + 1] = tonumber(l) end
  st.allow = {}
  for _, e in ipairs(split(meta:get("allow"), ",")) do
    local h, bits = e:match("^(%x+)/(%d+)$")
    if h then st.allow[#st.allow + 1] = { unhex(h), tonumber(bits) } end
  end
  st.routes = {}
  for _, line in ipairs(split(meta:get("routes"), "\n")) do
    local mode, prefix = line:match("^(%a+) (.*)$")
    if mode then st.routes[#st.routes + 1] = { ngx.unescape_uri(prefix), mode } end
  end
  table.sort(st.routes, function(a, b) return #a[1] > #b[1] end)
end

local function allowed(addr)
  for _, e in ipairs(st.allow) do
    if #e[1] == #addr and masked(addr, e[2]) == e[1] then return true end
  end
  return false
end

local function fail_mode()
  if #st.routes > 0 then
    local uri = ngx.var.request_uri or ""
    for _, r in ipairs(st.routes) do
      if sub(uri, 1, #r[1]) == r[1] then return r[2] end
    end
  end
  return st.fail
end

local function refuse(status, id, retry_after)
  ngx.header[opts.decision_header] = id
  ngx.header["Cache-Control"] = "no-store"
  ngx.header["Content-Type"] = "application/json"
  if retry_after then ngx.header["Retry-After"] = tostring(retry_after) end
  ngx.status = status
  ngx.print('{"error":"blocked"}\n')
  return ngx.exit(status)
end

local function refuse_stale()
  if st.status == 429 then return refuse(429, "fail-closed", 1) end
  return refuse(st.status, "fail-closed")
end

-- ask enforce, through the location auth_request would use.
local function ask()
  local res = ngx.location.capture(opts.check)
  local s = res.status
  if s == 200 then return end
  local id = res.header[opts.decision_header]
  if s == 401 then
    local loc = res.header["Location"]
    if loc then
      if id then ngx.header[opts.decision_header] = id end
      ngx.header["Cache-Control"] = "no-store"
      return ngx.redirect(loc, 302)
    end
    ngx.header[opts.decision_header] = id
    ngx.header["Cache-Control"] = "no-store"
    ngx.header["Content-Type"] = "application/json"
    ngx.header["Retry-After"] = res.header["Retry-After"]
    ngx.status = 429
    ngx.print('{"error":"throttled"}\n')
    return ngx.exit(429)
  end
  if s == 403 or s == 429 or s == 503 then
    return refuse(s, id or "", res.header["Retry-After"])
  end
  -- enforce did not answer: its fail mode.
  ngx.log(ngx.WARN, "portcullis: enforce answered ", s, " to the check; applying the fail mode")
  if fail_mode() == "closed" and not allowed(ngx.var.binary_remote_addr) then return refuse_stale() end
end

local function carries_identity()
  return (st.key_var and ngx.var[st.key_var]) or (st.user_var and ngx.var[st.user_var])
end

-- check is the access-phase check: it returns to let the request through,
-- or ends it with the refusal.
function _M.check()
  -- The view's generation and age are read from shared memory once per
  -- tick of nginx's cached clock (a millisecond), not once per request:
  -- under load many requests share a tick, and a block itself is read
  -- from shared memory every time, so none waits for the next tick.
  local now = ngx.now()
  if now ~= cached.at then
    cached.at, cached.gen, cached.stale_at = now, meta:get("gen"), meta:get("stale_at") or 0
  end
  if cached.gen ~= st.gen then load_state(cached.gen) end
  local addr = ngx.var.binary_remote_addr
  local n = addr and #addr or 0
  if n == 0 then return end -- a Unix socket's peer has no address to match
  if n == 16 and sub(addr, 1, 12) == mapped then addr, n = sub(addr, 13), 4 end
  if now > cached.stale_at and fail_mode() == "closed" then
    if allowed(addr) then return end
    return refuse_stale()
  end
  if st.ids > 0 and carries_identity() then return ask() end
  local v = blocks:get(addr)
  if not v and n == 16 then v = blocks:get(sub(addr, 1, 8)) end
  if not v then
    local lens = st.lens[n]
    if lens and #lens > 0 then
      local fam = n == 4 and "P4" or "P6"
      for i = 1, #lens do
        v = blocks:get(fam .. char(lens[i]) .. masked(addr, lens[i]))
        if v then break end
      end
    end
  end
  if not v then return end
  local act = byte(v, 1)
  if act == 108 then return end -- l: log
  if allowed(addr) then return end
  if st.allow_ids > 0 and carries_identity() then return ask() end
  if act ~= 98 then return ask() end -- t, c: enforce holds the budget and the challenge
  if st.status == 429 then
    local exp = tonumber(sub(v, 18)) or 0
    local ra = math.ceil(exp / 1000 - ngx.now())
    return refuse(429, sub(v, 2, 17), math.max(1, math.min(ra, st.max_retry)))
  end
  return refuse(st.status, sub(v, 2, 17))
end

-- The follower.

local function meta_set(k, v)
  local ok, err = meta:safe_set(k, v)
  if not ok then ngx.log(ngx.ERR, "portcullis: lua_shared_dict ", opts.meta, ": ", err) end
end

-- poll reads one answer of the feed and applies it. It returns nil and
-- an error when the answer is incomplete: then nothing moves the
-- follower's place, and the next poll asks again.
local function poll(host, port)
  local sock = ngx.socket.tcp()
  sock:settimeouts(1000, 1000, (opts.wait + 5) * 1000)
  local ok, err = sock:connect(host, port)
  if not ok then return nil, "connect: " .. tostring(err) end
  local epoch, seq = meta:get("epoch") or "", meta:get("seq") or 0
  ok, err = sock:send("GET /v1/feed?epoch=" .. epoch .. "&since=" .. string.format("%d", seq) .. "&wait=" .. opts.wait ..
    "s HTTP/1.0\r\nHost: portcullis-enforce\r\n\r\n")
  if not ok then sock:close(); return nil, "send: " .. tostring(err) end
  local line
  line, err = sock:receive("*l")
  if not line then sock:close(); return nil, "status: " .. tostring(err) end
  if not find(line, "^HTTP/1%.%d 200") then sock:close(); return nil, "answer: " .. line end
  repeat
    line, err = sock:receive("*l")
    if not line then sock:close(); return nil, "header: " .. tostring(err) end
  until line == ""
  line, err = sock:receive("*l")
  if not line then sock:close(); return nil, "body: " .. tostring(err) end
  local version, nepoch, nseq, kind = line:match("^portcullis%-feed (%d+) (%x+) (%d+) (%a+)$")
  if version ~= "1" then sock:close(); return nil, "not a feed of version 1: " .. line end
  ngx.update_time()
  local now = ngx.now()
  local snapshot = kind == "snapshot"
  local seen = snapshot and {} or nil
  local state, age, max_stale = {}, -1, 10
  while true do
    line, err = sock:receive("*l")
    if not line then sock:close(); return nil, "body: " .. tostring(err) end
    local c = sub(line, 1, 1)
    if c == "+" then
      local h, act, exp, id = line:match("^%+ (%x+) (%a) (%d+) (%x+)$")
      if h then
        local key, ttl = unhex(h), tonumber(exp) / 1000 - now
        if ttl > 0 then
          local ok2, err2 = blocks:safe_set(key, act .. id .. exp, ttl)
          if not ok2 then ngx.log(ngx.ERR, "portcullis: lua_shared_dict ", opts.blocks, ": ", err2, "; give it more memory") end
          if seen then seen[key] = true end
        else
          blocks:delete(key)
        end
      end
    elseif c == "-" then
      local h = line:match("^%- (%x+)$")
      if h then blocks:delete(unhex(h)) end
    elseif c == "s" then
      local a, ms, fail, status, mra, ids, aids = line:match("^s (%-?%d+) (%d+) (%a+) (%d+) (%d+) (%d+) (%d+)$")
      if a then
        age, max_stale = tonumber(a), tonumber(ms) / 1000
        state.fail, state.status, state.max_retry = fail, tonumber(status), tonumber(mra)
        state.ids, state.allow_ids = tonumber(ids), tonumber(aids)
      end
    elseif c == "h" then
      local k, u = line:match("^h (%S+) (%S+)$")
      if k then
        state.key_var = k ~= "-" and "http_" .. ngx.unescape_uri(k) or nil
        state.user_var = u ~= "-" and "http_" .. ngx.unescape_uri(u) or nil
      end
    elseif c == "l" then
      local l4, l6 = line:match("^l (%S+) (%S+)$")
      if l4 then state.lens4, state.lens6 = l4, l6 end
    elseif c == "a" then
      state.allow = line:match("^a (%S+)$")
    elseif c == "r" then
      state.routes = (state.routes or "") .. sub(line, 3) .. "\n"
    elseif line == "end " .. nseq then
      break
    end
  end
  sock:close() -- HTTP/1.0: one answer a connection
  if seen then
    for _, key in ipairs(blocks:get_keys(0)) do
      if not seen[key] then blocks:delete(key) end
    end
  end
  if not snapshot then state.routes = meta:get("routes") end
  local changed = false
  for _, k in ipairs({ "fail", "status", "max_retry", "ids", "allow_ids", "key_var", "user_var", "lens4", "lens6", "allow", "routes" }) do
    if meta:get(k) ~= state[k] then meta_set(k, state[k]); changed = true end
  end
  if changed then meta:incr("gen", 1, 0) end
  meta_set("epoch", nepoch)
  meta_set("seq", tonumber(nseq))
  if age >= 0 then meta_set("stale_at", now - age / 1000 + max_stale) end
  return true
end

local function follow(premature)
  if premature then return end
  local host, port = opts.feed:match("^(.*):(%d+)$")
  host = host:gsub("^%[(.*)%]$", "%1")
  port = tonumber(port)
  local backoff, failing = 0.05, false
  while not ngx.worker.exiting() do
    local ok, err = poll(host, port)
    if ok then
      if failing then ngx.log(ngx.NOTICE, "portcullis: the feed answers again") end
      backoff, failing = 0.05, false
    else
      if not failing then ngx.log(ngx.WARN, "portcullis: the feed at ", opts.feed, " did not answer (", err, "); retrying") end
      failing = true
      ngx.sleep(backoff)
      backoff = math.min(backoff * 2, 1)
    end
  end
end

-- init is for init_worker_by_lua_block. opts:
--   feed             enforce's admin listener, host:port (required)
--   check            the internal location that asks enforce ("/.portcullis/check")
--   wait             seconds a poll of the feed waits for a change (20; enforce caps it at max_staleness/2)
--   fail_mode        "open" or "closed": until the feed first answers; then enforce's
--   decision_header  the header naming the decision ("X-Portcullis-Decision")
--   blocks, meta     the lua_shared_dict names ("portcullis_blocks", "portcullis_meta")
function _M.init(o)
  o = o or {}
  opts = {
    feed = assert(o.feed, "portcullis: init needs feed = enforce's admin address, host:port"),
    check = o.check or "/.portcullis/check",
    wait = o.wait or 20,
    fail_mode = o.fail_mode or "open",
    decision_header = o.decision_header or "X-Portcullis-Decision",
    blocks = o.blocks or "portcullis_blocks",
    meta = o.meta or "portcullis_meta",
  }
  blocks, meta = ngx.shared[opts.blocks], ngx.shared[opts.meta]
  assert(blocks and meta, "portcullis: declare lua_shared_dict " .. opts.blocks .. " and " .. opts.meta .. " (portcullis-lua-http.conf)")
  load_state(meta:get("gen"))
  if (ngx.worker.id() or 0) == 0 then
    local ok, err = ngx.timer.at(0, follow)
    if not ok then ngx.log(ngx.ERR, "portcullis: cannot start the feed's follower: ", err) end
  end
end

return _M
