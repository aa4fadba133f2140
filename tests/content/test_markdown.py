"""Markdown written by editors cannot put script, event handlers, raw HTML or unsafe links on the site."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from heft.content.markdown import ALLOWED_TAGS, render_markdown
from heft.content.models import Page
from heft.content.services import content_create, content_set_published

ATTACKS = {
    "script tag": "<script>alert('x')</script>",
    "script in a paragraph": "Hello <script src='https://evil.example.org/x.js'></script> there",
    "javascript link": "[click](javascript:alert(1))",
    "javascript link, mixed case": "[click](JaVaScRiPt:alert(1))",
    "javascript link, entity-encoded": '<a href="&#106;avascript:alert(1)">click</a>',
    "javascript link, reference style": "[click][x]\n\n[x]: javascript:alert(1)",
    "javascript link, with spaces": "[click]( javascript:alert(1) )",
    "vbscript link": '<a href="vbscript:msgbox(1)">click</a>',
    "data: link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data: image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "onerror image": "<img src=x onerror=alert(1)>",
    "onerror in Markdown image title": '![x](https://example.org/x.png "a" onerror="alert(1)")',
    "onclick on raw HTML": '<div onclick="alert(1)">click</div>',
    "onmouseover in a link title": '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    "svg onload": "<svg onload=alert(1)><circle r=5></circle></svg>",
    "iframe": '<iframe src="https://evil.example.org"></iframe>',
    "object": '<object data="https://evil.example.org/x.swf"></object>',
    "style tag": "<style>body { display: none }</style>",
    "style attribute": '<p style="position:fixed;top:0">covering</p>',
    "form": '<form action="https://evil.example.org"><input name="password"></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example.org">',
    "base tag": '<base href="https://evil.example.org/">',
    "html comment hiding script": "<!-- --><script>alert(1)</script><!-- -->",
    "unclosed script": "<script>alert(1)",
    "nested tags": "<scr<script>ipt>alert(1)</script>",
}

# Tags that run or load something, or take over the page. Markdown output must not contain them at all.
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "form", "input", "meta", "base", "svg",
                  "img", "link", "frame", "frameset", "math", "template"}  # fmt: skip
SAFE_URL = re.compile(r"^(https?:|mailto:|tel:|/|#|[^:]*$)", re.I)


class Tags(HTMLParser):
    """Every start tag and its attributes, as a browser would parse them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def unsafe_parts(html: str) -> list[str]:
    problems = []
    for tag, attrs in Tags(html).found:
        if tag in DANGEROUS_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                problems.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "data", "xlink:href"} and not SAFE_URL.match(
                (value or "").strip()
            ):
                problems.append(f"{tag} {name}={value}")
    return problems


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_markdown_cannot_inject_script(name):
    html = str(render_markdown(ATTACKS[name]))
    assert unsafe_parts(html) == [], html
    assert {tag for tag, _ in Tags(html).found} <= ALLOWED_TAGS, html  # no raw HTML beyond Markdown's own


def test_the_unsafe_check_itself_catches_each_kind_of_attack():
    # Without the sanitiser, each attack would be caught by the check above: the test can fail.
    import markdown

    for name in ("script tag", "javascript link", "onerror image", "data: link", "iframe", "style attribute"):
        assert unsafe_parts(markdown.markdown(ATTACKS[name])), name


def test_text_that_looks_like_html_is_never_run():
    html = str(render_markdown("Use `<script>` tags carefully: 1 < 2 & 3 > 2"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_ordinary_markdown_keeps_its_meaning():
    html = str(
        render_markdown(
            "# Heading\n\n## Subheading\n\nSome **bold** and *italic* text with "
            "[a link](https://example.org/page) and [an email](mailto:team@heft.invalid).\n\n"
            "- one\n- two\n\n1. first\n2. second\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<h2>Heading</h2>" in html  # the page title is the only <h1>
    assert "<h2>Subheading</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert '<a href="https://example.org/page" rel="noopener noreferrer">a link</a>' in html
    assert 'href="mailto:team@heft.invalid"' in html
    assert '<ul class="nhsuk-list nhsuk-list--bullet">' in html
    assert '<ol class="nhsuk-list nhsuk-list--number">' in html
    assert '<table class="nhsuk-table">' in html


def test_every_link_gets_rel_noopener_noreferrer():
    html = str(render_markdown('[a](https://example.org) <a href="https://example.org" rel="opener">b</a>'))
    assert html.count('rel="noopener noreferrer"') == 2
    assert 'rel="opener"' not in html


def test_a_published_page_with_an_attack_shows_none_of_it(world, client):
    editor = world.user("national_admin")
    body = "\n\n".join(ATTACKS.values())
    page = content_create(
        model=Page, data={"title": "Attack", "summary": "<script>alert(1)</script>", "body": body}, by=editor
    )
    content_set_published(item=page, published=True, by=editor)

    response = client.get(reverse("content:page_detail", args=[page.slug]))
    assert response.status_code == 200
    main = response.content.decode().split('id="maincontent"')[1].split("</main>")[0]
    assert unsafe_parts(main) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main  # the summary is plain text, escaped
