"""The API reference at /api/v1/docs: drawn on the server from the API's own schema, every operation listed,
the schema's text escaped, the schema built once per process."""

import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.urls import path, reverse
from ninja import Field, NinjaAPI, Router, Schema
from ninja.main import get_schema

from heft.api.reference import ApiReference, SchemaBuiltOnce
from heft.urls import urlpatterns as site_urlpatterns

HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


class PageText(HTMLParser):
    """The text of each h2 and h3, each table caption, and the attributes of every element."""

    def __init__(self):
        super().__init__()
        self.headings: dict[str, list[str]] = {"h2": [], "h3": [], "caption": []}
        self.open: list[str] = []
        self.attributes: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.attributes.append((tag, dict(attrs)))
        if tag in self.headings:
            self.open.append(tag)
            self.headings[tag].append("")

    def handle_endtag(self, tag):
        if self.open and tag == self.open[-1]:
            self.open.pop()

    def handle_data(self, data):
        for tag in self.open:
            self.headings[tag][-1] += data


def read(html: str) -> PageText:
    parser = PageText()
    parser.feed(html)
    parser.headings = {tag: [" ".join(t.split()) for t in texts] for tag, texts in parser.headings.items()}
    return parser


def test_every_operation_of_the_schema_is_on_the_page_under_its_tag(client, db):
    schema = client.get(reverse("api:openapi-json")).json()
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = read(response.content.decode())

    operations = [
        (method.upper(), route, operation)
        for route, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
    assert len(operations) > 50  # the whole API, not an empty page
    h3 = page.headings["h3"]
    assert len(h3) == len(operations)
    for method, route, operation in operations:
        assert f"{operation['summary']}: {method} {route}" in h3, (method, route)
    tags = {operation["tags"][0].capitalize() for _, _, operation in operations}
    assert tags <= set(page.headings["h2"])
    assert "Answers to GET /api/v1/regions" in page.headings["caption"]
    assert (
        "Request body: PreferencesIn (application/json) of PUT /api/v1/windows/{window_id}/preferences"
        in (page.headings["caption"])
    )


def test_the_page_explains_signing_in_and_links_the_schema(client, db):
    html = client.get(reverse("api:openapi-view")).content.decode()
    assert f'href="{reverse("api:openapi-json")}"' in html
    assert "Authorization: Bearer &lt;token&gt;" in html
    assert "X-CSRFToken" in html
    assert f'href="{reverse("accounts:api_tokens")}"' in html


def test_the_page_needs_no_script_and_no_inline_style(client, db):
    """The strict CSP allows no inline style, and scripts only from the site or with the page's nonce (the
    layout's own): the page adds none."""
    response = client.get(reverse("api:openapi-view"))
    page = read(response.content.decode())
    assert not [tag for tag, attrs in page.attributes if "style" in attrs or tag == "style"]
    scripts = [attrs for tag, attrs in page.attributes if tag == "script"]
    policy = response["Content-Security-Policy"]
    assert all(
        attrs.get("src", "").startswith("/static/") or f"'nonce-{attrs.get('nonce')}'" in policy
        for attrs in scripts
    )


def test_the_page_and_the_json_use_the_schema_built_once(client, db):
    client.get(reverse("api:openapi-json"))  # built here, if no earlier test in this process did
    with mock.patch("ninja.main.get_schema", wraps=get_schema) as built:
        assert client.get(reverse("api:openapi-view")).status_code == 200
        assert client.get(reverse("api:openapi-json")).status_code == 200
    assert built.call_count == 0


# --- a small API of its own: text that must be escaped, a body with an object in it -------------------------


class Address(Schema):
    street: str = Field(description='The street, e.g. "1 <High> Street" & the like.')
    postcode: str | None = None


class PersonIn(Schema):
    name: str
    address: Address
    kinds: list[str] = []


router = Router(tags=["people <&>"])


@router.post("/people/{person_id}", response={200: dict})
def update_person(request, person_id: int, payload: PersonIn, note: str = ""):
    """Changes a person. <script>alert("x")</script> Send `<b>name</b>` & more."""
    return {}


class CountedApi(SchemaBuiltOnce, NinjaAPI):
    pass


small_api = CountedApi(title="Small <API>", version="9", urls_namespace="small-api", docs=ApiReference())
small_api.add_router("/", router)
small_patterns, app_name, namespace = small_api.urls
for pattern in small_patterns:
    pattern.callback.login_required = False  # as the site's API does (heft.api.api.api_urls)
urlpatterns = [*site_urlpatterns, path("small-api/", (small_patterns, app_name, namespace))]


@pytest.mark.urls(__name__)
def test_text_from_the_schema_is_escaped_and_code_is_marked_as_code(client, db):
    html = client.get("/small-api/docs").content.decode()
    assert "<script>alert" not in html
    assert "<b>name" not in html
    assert "<High>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;x" in html
    assert re.search(r"<code>&lt;b&gt;name&lt;/b&gt;</code> &amp; more", html)
    assert "Small &lt;API&gt;" in html
    page = read(html)
    assert "People <&>" in page.headings["h2"]  # as text, once the page's escaping is read back
    assert "Update Person: POST /small-api/people/{person_id}" in page.headings["h3"]


@pytest.mark.urls(__name__)
def test_body_fields_are_listed_with_one_level_of_nesting(client, db):
    html = client.get("/small-api/docs").content.decode()
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r'<tr role="row" class="nhsuk-table__row">(.*?)</tr>', html, re.S)
    ]
    assert "Name person_id In path Type integer Required Yes Description" in rows
    assert "Name note In query Type string Required No Description" in rows
    assert "Name name Type string Required Yes Description" in rows
    assert "Name address Type Address Required Yes Description" in rows
    street = "Name address.street Type string Required Yes Description The street, e.g. &#34;1 &lt;High&gt;"
    assert any(row.startswith(street) for row in rows), rows
    assert "Name address.postcode Type string or null Required No Description" in rows
    assert "Name kinds Type list of string Required No Description" in rows


def test_a_schema_is_built_once_per_address_prefix():
    fresh = CountedApi(title="Fresh", urls_namespace="fresh-api", docs=ApiReference())
    fresh.add_router("/", router)
    with mock.patch("ninja.main.get_schema", wraps=get_schema) as built:
        first = fresh.get_openapi_schema(path_prefix="/fresh/")
        assert fresh.get_openapi_schema(path_prefix="/fresh/") is first
        assert fresh.get_openapi_schema(path_prefix="/other/") is not first
    assert built.call_count == 2
