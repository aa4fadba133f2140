"""Reading pages in tests the way people read them."""

import html


def page_text(response) -> str:
    """A page's HTML with its character references decoded, so that a name such as O'Sullivan (which the
    templates write as O&#39;Sullivan) is found as it was typed, and each run of white space as one space,
    as a browser shows it (templates break long lines wherever HTML allows)."""
    return squeezed(html.unescape(response.content.decode()))


def squeezed(markup: str) -> str:
    """`markup` with each run of white space as one space: what a browser makes of it."""
    return " ".join(markup.split())
