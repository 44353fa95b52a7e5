# 10,000,000-iteration arithmetic while-loop, top level like the bbs script. Prints 49999995000000.
s = 0
i = 0
while i < 10000000:
    s = s + i
    i = i + 1
print(s)
