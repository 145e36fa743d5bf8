"""The fuzzing run's figures (scripts/fuzz-api.sh): operations, requests, server errors, failures.

Reads the server's access log (one ``STATUS METHOD PATH`` line per request) and schemathesis' JSON
reports (one per role) in the work directory; exits 1 if any request got a 5xx or any check failed.
"""

import json
import sys
from collections import Counter
from pathlib import Path


def main(work: Path) -> int:
    lines = [line.split(" ", 2) for line in (work / "access.log").read_text().splitlines() if line.strip()]
    api = [parts for parts in lines if len(parts) == 3 and parts[2].startswith("/api/")]
    statuses = Counter(parts[0] for parts in api)
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    failures: Counter[str] = Counter()
    operations = 0
    for report in sorted(work.glob("report-*/*.json")):
        data = json.loads(report.read_text())
        operations = max(operations, data["operations"]["tested"])
        for failure in data["failures"]:
            failures[f"{failure['code']} {failure['title']}"] += failure["count"]
        failures["errors (schemathesis could not run a test)"] += len(data.get("errors") or [])
    failures = +failures  # drop zero counts
    lines = [
        "",
        "==== API fuzzing (schemathesis): figures",
        f"  operations tested: {operations}",
        f"  requests: {len(api)}",
        f"  responses by status: {dict(sorted(statuses.items()))}",
        f"  server errors (5xx): {server_errors}",
    ]
    lines += [f"  failures, {name}: {count}" for name, count in sorted(failures.items())] or ["  failures: 0"]
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if server_errors or failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
