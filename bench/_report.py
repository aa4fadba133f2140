"""Write one benchmark's section of docs/benchmarks.md, leaving the other sections as they are."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(name: str, markdown: str, path: str = "docs/benchmarks.md") -> None:
    """Replace the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` (appending the section if
    it is absent, creating the file with a `# Benchmarks` heading if it is missing)."""
    file = Path(path)
    text = file.read_text(encoding="utf-8") if file.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    section = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
