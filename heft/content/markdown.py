"""Markdown written by editors, turned into HTML that is safe to put on a public page.

Markdown passes raw HTML through, so its output is cleaned with nh3 (the ammonia sanitiser): only the tags
below survive, with no event handlers, styles or ids, links keep only http(s), mailto and tel addresses,
and every link gets rel="noopener noreferrer". Images are not allowed: they would load from other sites.
"""

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "ul", "ol", "li",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# The NHS.UK styles for lists and tables need their classes.
NHS_CLASSES = {
    "ul": {"class": "nhsuk-list nhsuk-list--bullet"},
    "ol": {"class": "nhsuk-list nhsuk-list--number"},
    "table": {"class": "nhsuk-table"},
}


class _NoTitleHeadings(Treeprocessor):
    """The page title is the only <h1>: a "# Heading" in the body becomes an <h2>, as "## Heading" does."""

    def run(self, root):
        for heading in root.iter("h1"):
            heading.tag = "h2"


class _NoTitleHeadingsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's name)
        md.treeprocessors.register(_NoTitleHeadings(md), "no_title_headings", 5)


def render_markdown(text: str) -> Markup:
    html = markdown.markdown(
        text, extensions=["tables", "sane_lists", _NoTitleHeadingsExtension()], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        set_tag_attribute_values=NHS_CLASSES,
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)  # noqa: S704 (sanitised just above)
