#!/usr/bin/env python3
# Sends the descriptor attacks of issue 20 to a running server, each followed
# by 12 runs that must print their own output, then a victim run during three
# wedging attacks. Usage: scripts/check-descriptor-attacks.py [http://host:port]
# (start the server with a high --rate-execute: this sends ~120 runs at once).
import json, time, urllib.request, concurrent.futures as cf
import sys
URL = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080") + "/execute"
def run(code, stdin="", timeout=10):
    body = json.dumps({"code": code, "stdin": stdin, "timeout_seconds": timeout}).encode()
    req = urllib.request.Request(URL, body, {"Content-Type": "application/json"})
    t = time.time()
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r), time.time() - t
attacks = {
    "close 0": "import sys\nsys.modules['posix'].close(0)",
    "close 1": "import sys\nsys.modules['posix'].close(1)",
    "close 2": "import sys\nsys.modules['posix'].close(2)",
    "close 3": "import sys\nsys.modules['posix'].close(3)",
    "close 4": "import sys\nsys.modules['posix'].close(4)",
    "close 0-4": "import sys\nfor fd in range(5):\n    sys.modules['posix'].close(fd)",
    "io.open(0).read()": "import io\nio.open(0).read()",
    "io.open(1,'w')": "import io\nout = io.open(1, 'w')\nout.write('attacker\\n')",
    "balance the count": "import sys\np = sys.modules['posix']\np.close(1)\np.close(3)\nfd = p.open('/cr/result', p.O_WRONLY)",
}
bad = 0
for name, code in attacks.items():
    res, _ = run(code, "x\n")
    for i in range(12):
        r, _ = run("print(6*7)")
        if not (r["success"] and r["stdout"] == "42\n" and r["stderr"] == ""):
            bad += 1
            print("FAIL after", name, i, r)
    print(f"{name}: attacker success={res['success']} exit={res['exit_code']}; next 12 runs ok")
# three wedging attacks at once, and a victim
with cf.ThreadPoolExecutor(4) as ex:
    futs = [ex.submit(run, attacks["close 0"]) for _ in range(3)]
    v, took = run("print(6*7)")
    print(f"victim during 3 wedging attacks: {v['stdout']!r} success={v['success']} in {took*1000:.0f} ms")
    for f in futs: f.result()
print("failures:", bad)
sys.exit(1 if bad else 0)
