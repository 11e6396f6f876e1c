import re
import textwrap
import string
import json
import csv

text = """Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor
incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud 1234 exercitation
ullamco laboris nisi ut aliquip ex ea commodo consequat 5678."""
print(textwrap.fill(text, 40))
print(textwrap.dedent("    a\n      b\n    c"))
print(re.findall(r"\b\w{6,}\b", text))
print(re.sub(r"(\d)(\d)", r"\2\1", text)[-40:])
print(re.split(r"[,.]\s*", text)[:4])
m = re.match(r"(?P<first>\w+) (?P<second>\w+)", text)
print(m.group("first"), m.span(), m.groupdict())
print(string.capwords("hello   world"), "straße".upper(), "ǅ".lower(), "ﬁ".casefold())
print("{:>10}|{:<10}|{:^10}|".format("r", "l", "c"), "%5.2f %s %r" % (3.14159, "s", "r"))
doc = {"name": "café", "items": [1, 2.5, None, True], "nested": {"z": 1, "a": [{}]}}
s = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
print(s)
print(json.loads(s) == doc, json.dumps(doc))
rows = list(csv.reader(['a,b,"c,d"', '1,"2 ""q""",3']))
print(rows)
print("".join(reversed("racecar stressed")), "abc" * 3, "a,b,,c".split(","), "  x ".strip())
