-- 1,000,000 inserts then 1,000,000 lookups with string keys. Prints the checksum 499999500000.
local m = {}
for i = 0, 999999 do
  m["k" .. i] = i
end
local sum = 0
for i = 0, 999999 do
  sum = sum + m["k" .. i]
end
print(sum)
