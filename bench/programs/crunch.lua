-- Data crunching: 200,000 repository-like tables -> filter -> map -> sort by key -> group by
-- project. table.sort is not stable, so ties break on the original position. Prints a checksum line.
local projects = {"API", "WEB", "OPS", "DATA", "MOBILE", "INFRA", "DOCS", "QA"}
local languages = {"swift", "go", "python", "rust", "java"}
local repos = {}
for i = 0, 199999 do
  repos[#repos + 1] = {
    slug = "repo-" .. i,
    full_name = "acme/repo-" .. i,
    project = {key = projects[i % 8 + 1], name = "Project " .. (i % 8)},
    language = languages[i % 5 + 1],
    size = (i * 7919) % 1000003,
    is_private = i % 3 ~= 0,
    updated_on = "2026-" .. (i % 12 + 1) .. "-01",
  }
end
local active = {}
for _, r in ipairs(repos) do
  if r.is_private and r.language ~= "java" and r.size > 50000 then active[#active + 1] = r end
end
local rows = {}
for n, r in ipairs(active) do
  rows[n] = {slug = r.slug:upper(), project = r.project.key, kb = r.size // 1024, n = n}
end
table.sort(rows, function(a, b) if a.kb ~= b.kb then return a.kb < b.kb end return a.n < b.n end)
local groups, order = {}, {}
for _, r in ipairs(rows) do
  local g = groups[r.project]
  if not g then g = {}; groups[r.project] = g; order[#order + 1] = r.project end
  g[#g + 1] = r
end
local parts = {}
for _, key in ipairs(order) do
  local rs = groups[key]
  parts[#parts + 1] = key .. ":" .. #rs .. ":" .. rs[1].slug .. ":" .. rs[#rs].kb
end
print(#active .. " " .. table.concat(parts, " "))
