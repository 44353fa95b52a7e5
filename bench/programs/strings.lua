-- 1,000,000 appends of a formatted piece. Lua strings are immutable, so `s = s .. x`
-- would be quadratic; the idiomatic buffer (table + table.concat) is used instead.
local buf = {}
for i = 0, 999999 do
  buf[#buf + 1] = i .. ","
end
local s = table.concat(buf)
print(#s)
