#!/usr/bin/env python3
"""Self cost per event, by function, from the two callgrind profiles `chatlio-bench --instructions` leaves.

  python3 Benchmarks/Scripts/callgrind_per_event.py /tmp/chatlio-bench-callgrind/intake-conversation-started-{400,800}.out 400 [TOP]

Each function's cost in the K-event profile is subtracted from the 2K-event one and divided by K, so start-up,
sample loading and schema compilation drop out, as they do from chatlio-bench's own figures. Swift names are
demangled with `swift demangle` when it is on PATH.
"""
import re
import shutil
import subprocess
import sys


def self_costs(profile):
    text = subprocess.run(["callgrind_annotate", "--threshold=100", profile], capture_output=True, text=True, check=True).stdout
    costs = {}
    for line in text.splitlines():
        match = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+(.*)$", line)
        if match and "PROGRAM TOTALS" not in match.group(2):
            name = re.sub(r" \[/.*", "", match.group(2))
            costs[name] = costs.get(name, 0) + int(match.group(1).replace(",", ""))
    return costs


def demangled(names):
    if not shutil.which("swift"):
        return names
    symbols = [name.split(":", 1)[-1] for name in names]
    text = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(symbols), capture_output=True, text=True).stdout
    lines = text.splitlines()
    return lines if len(lines) == len(names) else names


def main(arguments):
    if len(arguments) < 3:
        sys.stderr.write(__doc__)
        return 2
    once, twice, events = self_costs(arguments[0]), self_costs(arguments[1]), int(arguments[2])
    top = int(arguments[3]) if len(arguments) > 3 else 25
    per_event = {name: (twice.get(name, 0) - once.get(name, 0)) / events for name in set(once) | set(twice)}
    total = sum(per_event.values())
    print(f"{total:,.0f} instructions per event")
    ranked = sorted(per_event.items(), key=lambda item: -item[1])[:top]
    for (name, cost), shown in zip(ranked, demangled([name for name, _ in ranked])):
        print(f"{cost:10,.0f} {100 * cost / total:5.1f}%  {shown[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
