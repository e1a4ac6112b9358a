-- wrk script for scripts/bench-receiver.sh: POSTs one EDIFACT interchange per request, each with
-- its own interchange control reference (UNB 0020, repeated in UNZ 0020), so that the receiver
-- stores every request instead of answering a duplicate (RCV-DUP-001: same sender and control
-- reference, or the same bytes, is a duplicate). nginx gets exactly the same requests.
--
--   wrk -s bench/wrk/interchange.lua URL -- BODY_FILE TAG [CONTENT_TYPE]
--
-- BODY_FILE: an interchange with the default delimiters (UNA:+.? '), as written by
--            apipnr-validate-gen or the iAPI vectors. TAG: one digit, distinct per wrk run
--            against the same store (warm-up vs measurement). The control reference becomes
--            TAG, two digits of wrk thread, then a counter: at most 14 characters (an..14).
-- At the end one line "APIPNR_WRK_JSON {...}" gives requests, duration, errors and latency
-- percentiles (microseconds) for the calling script to parse.

local parts = nil  -- body split around the two control references: pre, mid, post
local content_type = "application/edifact"
local tag = "1"
local counter = 0
local threads = {}
local next_thread = 0

local function read_file(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  local data = f:read("*a")
  f:close()
  return data
end

-- Byte offsets of the element after the n-th '+' following position `from`, and its end
-- (exclusive: the next '+' or segment terminator).
local function element_span(body, from, n)
  local pos = from
  for _ = 1, n do
    pos = assert(body:find("+", pos + 1, true), "element separator not found")
  end
  local stop = body:find("[+']", pos + 1)
  return pos + 1, assert(stop, "segment terminator not found")
end

local function split_body(body)
  local unb = assert(body:find("UNB+", 1, true), "no UNB segment")
  local a1, a2 = element_span(body, unb, 5)  -- UNB+S001+S002+S003+S004+0020
  local unz = assert(body:find("UNZ+", a2, true), "no UNZ segment")
  local z1, z2 = element_span(body, unz, 2)  -- UNZ+0036+0020
  assert(body:sub(a1, a2 - 1) == body:sub(z1, z2 - 1), "UNB and UNZ references differ")
  return {body:sub(1, a1 - 1), body:sub(a2, z1 - 1), body:sub(z2)}
end

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  parts = split_body(read_file(args[1]))
  tag = args[2] or "1"
  if args[3] then content_type = args[3] end
  wrk.headers["Content-Type"] = content_type
end

function request()
  counter = counter + 1
  local ref = string.format("%s%02d%d", tag, (thread_id or 0) % 100, counter)
  return wrk.format("POST", nil, nil, parts[1] .. ref .. parts[2] .. ref .. parts[3])
end

function done(summary, latency, requests)
  local e = summary.errors
  print(string.format(
    'APIPNR_WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "p999": %d, ' ..
    '"max": %d}}',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
