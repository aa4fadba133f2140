"""Reading pages in tests the way people read them."""

import html


def page_text(response) -> str:
    """A page's HTML with its character references decoded, so that a name such as O'Sullivan (which the
    templates write as O&#39;Sullivan) is found as it was typed."""
    return html.unescape(response.content.decode())
