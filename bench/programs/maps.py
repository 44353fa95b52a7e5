# 1,000,000 inserts then 1,000,000 lookups with string keys. Prints the checksum 499999500000.
m = {}
for i in range(1000000):
    m[f"k{i}"] = i
sum_ = 0
for i in range(1000000):
    sum_ += m[f"k{i}"]
print(sum_)
