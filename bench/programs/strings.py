# 1,000,000 appends of an interpolated string. Prints the final length, 6888890.
# Inside a function on purpose: CPython 3.11 appends in place only to a local
# (STORE_FAST); at module level `s += ...` copies the whole string every time (quadratic).
def main():
    s = ""
    for i in range(1000000):
        s += f"{i},"
    print(len(s))


main()
