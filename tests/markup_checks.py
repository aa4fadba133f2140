"""Markup that misleads people, found in a page's HTML without a browser.

- An id used twice: a label, an error summary's link or aria-describedby reaches only the first of them, so
  the second field's label focuses nothing (two forms on one page that share field names).
- A `<label for>` or an aria-describedby / aria-labelledby / aria-controls naming no element on the page.
- Markup shown as text: tags escaped by a template (a string concatenated with markup), which the page then
  prints as `<a href=...>` where a link should be.

Each check returns a list of problems (empty when the page passes), so one run can report every page.
"""

import re
from collections import Counter
from html.parser import HTMLParser

REFERENCE_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "aria-controls")
# Text in these is shown as it was typed (code samples, a form's own value), never taken for markup.
VERBATIM = {"textarea", "code", "pre", "script", "style", "title"}
# A tag as a template would have written it, shown as text instead: "<a href=", "<strong>", "</a>".
ESCAPED_TAG = re.compile(
    r"</?(a|abbr|b|br|div|em|i|li|ol|p|span|strong|time|ul|table|td|tr)(\s+[a-z-]+=|\s*/?>)", re.IGNORECASE
)


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag and attribute, the id it names, its text)
        self.texts: list[str] = []
        self.links: list[str] = []  # every <a href>, for tests that follow them
        self.verbatim_depth = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "label" and values.get("for") is not None:
            self.references.append(("<label for>", values["for"], ""))
        for name in REFERENCE_ATTRIBUTES:
            for target in (values.get(name) or "").split():
                self.references.append((f"<{tag} {name}>", target, values.get("id") or ""))
        if tag in VERBATIM:
            self.verbatim_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in VERBATIM:
            self.verbatim_depth -= 1

    def handle_endtag(self, tag):
        if tag in VERBATIM and self.verbatim_depth:
            self.verbatim_depth -= 1

    def handle_data(self, data):
        if not self.verbatim_depth and data.strip():
            self.texts.append(data)


def read_page(html: str) -> _PageReader:
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    return reader


def duplicate_ids(html: str) -> list[str]:
    counts = Counter(read_page(html).ids)
    return [f'id "{name}" is used {count} times' for name, count in sorted(counts.items()) if count > 1]


def dangling_references(html: str) -> list[str]:
    reader = read_page(html)
    ids = set(reader.ids)
    return [
        f'{where} names "{target}", and no element has that id'
        for where, target, _ in reader.references
        if target not in ids
    ]


def markup_shown_as_text(html: str) -> list[str]:
    found = []
    for text in read_page(html).texts:
        match = ESCAPED_TAG.search(text)
        if match:
            start = max(match.start() - 30, 0)
            found.append(f"markup shown as text: …{text[start : match.end() + 40].strip()}…")
    return found


def markup_problems(html: str) -> list[str]:
    """Every problem these checks find on one page."""
    return duplicate_ids(html) + dangling_references(html) + markup_shown_as_text(html)
