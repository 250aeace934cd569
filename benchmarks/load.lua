-- wrk script for benchmarks/load.py: requests cycle over the comma-separated
-- NHSKG_LOAD_PATHS; answers other than 200 are counted and reported.
local paths = {}
for p in string.gmatch(os.getenv("NHSKG_LOAD_PATHS") or "/health", "[^,]+") do
  paths[#paths + 1] = p
end
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  sent = 0
  non200 = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) % #paths + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("non200") or 0)
  end
  io.write(string.format("non-200 answers: %d\n", total))
end
