-- wrk script for benchmarks/throughput.py: each connection walks the URL list
-- in NHSKG_URL_FILE (one path a line) from its own offset, so the run sends
-- many different requests, not one URL replayed. Counts answers that are not
-- 200 (and of those, the 5xx) and reports them at the end. NHSKG_URL_OFFSET
-- shifts where the walk starts, so that successive runs over one list do not
-- replay the same stretch (which an answer cache would then serve whole).
local urls = {}
local base = tonumber(os.getenv("NHSKG_URL_OFFSET") or "0")
for line in io.lines(os.getenv("NHSKG_URL_FILE")) do
  if #line > 0 then urls[#urls + 1] = line end
end
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", base + counter * 7919)
  threads[#threads + 1] = thread
end

function init(args)
  sent = 0
  non200 = 0
  server_errors = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", urls[(offset + sent) % #urls + 1])
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
  if status >= 500 then server_errors = server_errors + 1 end
end

function done(summary, latency, requests)
  local a, b = 0, 0
  for _, thread in ipairs(threads) do
    a = a + (thread:get("non200") or 0)
    b = b + (thread:get("server_errors") or 0)
  end
  io.write(string.format("non-200 answers: %d\n5xx answers: %d\n", a, b))
end
