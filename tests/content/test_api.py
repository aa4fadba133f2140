"""The content API: anyone reads what the public site shows; editors write within their regions, through
the same validation, services and audit trail as the editing pages."""

import json

import pytest

from heft.audit.models import AuditEvent
from heft.content.models import NewsItem, Page
from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory, days_from_today


def send(client, method: str, url: str, payload: dict):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


def test_anyone_reads_published_content_only(world, client):
    PageFactory(region=world.region_a, title="Shown", slug="shown")
    PageFactory(region=world.region_a, title="Draft", slug="draft", is_published=False)
    TestimonialFactory(region=world.region_b, attribution="Dr B (fictional)")
    pages = client.get("/api/v1/content/pages").json()
    assert [p["title"] for p in pages["items"]] == ["Shown"]
    assert pages["items"][0]["region"] == world.region_a.code
    assert client.get("/api/v1/content/pages/draft").status_code == 404
    testimonials = client.get("/api/v1/content/testimonials", {"region": world.region_b.code}).json()
    assert [t["attribution"] for t in testimonials["items"]] == ["Dr B (fictional)"]
    assert client.get("/api/v1/content/testimonials", {"region": world.region_a.code}).json()["items"] == []


def test_the_api_gives_sanitised_html_beside_the_markdown(world, client):
    PageFactory(slug="x", body="[a](javascript:alert(1)) **b**")
    page = client.get("/api/v1/content/pages/x").json()
    assert page["body"] == "[a](javascript:alert(1)) **b**"
    assert "javascript:" not in page["body_html"]
    assert "<strong>b</strong>" in page["body_html"]


def test_a_lead_creates_a_draft_then_publishes_it(world, client_for, client):
    lead = client_for("regional_lead")
    payload = {
        "title": "Session in May",
        "summary": "A regional session.",
        "body": "Details.",
        "region": world.region_a.code,
        "publish_date": str(days_from_today(0)),
        "show_from": str(days_from_today(0)),
        "show_until": str(days_from_today(5)),
    }
    response = send(lead, "post", "/api/v1/content/news", payload)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["is_published"] is False
    assert created["slug"] == "session-in-may"
    assert client.get("/api/v1/content/news/session-in-may").status_code == 404

    response = send(
        lead, "patch", "/api/v1/content/news/session-in-may", {"published": True, "title": "Session"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_published"] is True
    assert response.json()["title"] == "Session"
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs == ["news_item.created", "news_item.updated", "news_item.published"]


def test_writes_need_the_permission_and_the_region(world, client_for):
    payload = {"title": "T", "summary": "S", "body": "B", "region": world.region_b.code}
    assert send(client_for("anonymous"), "post", "/api/v1/content/pages", payload).status_code == 401
    assert send(client_for("trainee"), "post", "/api/v1/content/pages", payload).status_code == 403
    assert send(client_for("scheme_admin"), "post", "/api/v1/content/pages", payload).status_code == 403
    response = send(client_for("regional_lead"), "post", "/api/v1/content/pages", payload)
    assert response.status_code == 422
    assert response.json()["errors"]["region"] == ["Choose a region you look after."]
    national = send(client_for("regional_lead"), "post", "/api/v1/content/pages", {**payload, "region": None})
    assert national.status_code == 422
    assert Page.objects.count() == 0


@pytest.mark.parametrize("role,status", [("regional_lead", 404), ("trainee", 403), ("national_admin", 200)])
def test_changing_another_regions_content(world, client_for, role, status):
    item = TestimonialFactory(region=world.region_b, quote="Original")
    response = send(
        client_for(role), "patch", f"/api/v1/content/testimonials/{item.pk}", {"quote": "Changed"}
    )
    assert response.status_code == status
    item.refresh_from_db()
    assert item.quote == ("Changed" if status == 200 else "Original")


def test_bad_input_is_422_with_every_error_and_nothing_is_written(world, client_for):
    item = NewsFactory(region=world.region_a, slug="n")
    response = send(
        client_for("regional_lead"),
        "patch",
        "/api/v1/content/news/n",
        {"title": "", "show_until": str(days_from_today(-30)), "published": False},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "title" in errors
    assert "__all__" in errors
    item.refresh_from_db()
    assert item.is_published is True
    assert AuditEvent.objects.count() == 0
    assert NewsItem.objects.count() == 1
