# json benchmark: parse + compact re-serialise a ~10 MB Bitbucket page. The file is the last argument.
# Prints the number of repositories and the length (characters) of the serialised text.
# ensure_ascii=False keeps non-ASCII text as is, as bbs's json.stringify does.
import json
import sys

with open(sys.argv[-1], encoding="utf-8") as f:
    t = f.read()
v = json.loads(t)
s = json.dumps(v, separators=(",", ":"), ensure_ascii=False)
print(len(v["values"]), len(s))
