"""What an error means for the person running ``pmo``, in one line: what is wrong, what to do.

Errors arrive as the first line of their innermost cause (from a failed step, or raised while
loading the definitions). Known classes get a sentence naming the setting to fix; any other
error keeps its own line, with its exception class dropped when it only repeats the obvious.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

RULES: list[Rule] = [
    (
        re.compile(r'Could not set lock on file "([^"]+)".*?held in (\S+) \(PID (\d+)\)', re.S),
        lambda m: (
            f"the warehouse {m[1]} is in use by another process (PID {m[3]}, {m[2]}): "
            "let it finish or stop it, then run again"
        ),
    ),
    (
        re.compile(
            r"host='([^']+)', port=(\d+).*?(Connection refused|Name or service not known|"
            r"Temporary failure in name resolution|timed out|No route to host)",
            re.S,
        ),
        lambda m: (
            f"cannot connect to {m[1]}:{m[2]} ({m[3].lower()}): check "
            "SOURCES__JIRA__BASE_URL and that the site is reachable from here"
        ),
    ),
    (
        re.compile(r"(?:Invalid URL|No connection adapters were found for) '([^']*)'"),
        lambda m: (
            f"{m[1]!r} is not a URL Jira can be reached at: set SOURCES__JIRA__BASE_URL "
            "to e.g. https://your-site.atlassian.net"
        ),
    ),
    (
        re.compile(r"(\S+manifest\.json) does not exist"),
        lambda m: (
            f"the dbt project is not prepared ({m[1]} is missing): run `make prepare`, or "
            "`dagster-dbt project prepare-and-package --file pipelines/defs/resources.py`"
        ),
    ),
    (
        re.compile(r"(?:Permission denied|Read-only file system)(?:: '([^']+)')?"),
        lambda m: (
            f"cannot write {m[1] or 'a file the pipeline needs'}: make its folder "
            "writable, or point PMO_WAREHOUSE_PATH / DAGSTER_HOME at a writable place"
        ),
    ),
]
CLASS_PREFIX = re.compile(r"^(?:[a-z_][\w]*\.)+[A-Z]\w*(?:Error|Exception): ")


def explain(message: str) -> str:
    """One line saying what is wrong and, where known, what to do."""
    for pattern, sentence in RULES:
        if match := pattern.search(message):
            return sentence(match)
    return CLASS_PREFIX.sub("", message.strip().splitlines()[0] if message.strip() else message)
