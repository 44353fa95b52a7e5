# json-parse benchmark: parse only: read a ~10 MB Bitbucket page and parse it. Prints the number of repositories.
import json
import sys

with open(sys.argv[-1], encoding="utf-8") as f:
    t = f.read()
v = json.loads(t)
print(len(v["values"]))
