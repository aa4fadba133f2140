"""Leads edit the public site's content in HEFT Hub: within their region only, with a preview before
publishing, and every change recorded in the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.content import models
from heft.content.models import NewsItem, Page
from heft.content.services import content_create, content_set_published, content_update
from tests import factories as f
from tests.conftest import give_totp
from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory, days_from_today

FACTORIES = {"page": PageFactory, "news": NewsFactory, "testimonial": TestimonialFactory}


@pytest.fixture
def other_lead(world):
    """The regional lead of region B."""
    user = f.UserFactory(email="lead-b@example.org")
    f.RoleFactory(user=user, role="regional_lead", region=world.region_b)
    give_totp(user)
    return user


def events_for(item) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type=item._meta.label_lower, target_id=str(item.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


# --- services ---------------------------------------------------------------------------------------------


def test_a_new_item_is_a_draft_with_an_audit_event(world):
    lead = world.user("regional_lead")
    page = content_create(
        model=Page,
        data={"region": world.region_a, "title": "Our offer", "summary": "What we offer.", "body": "Text"},
        by=lead,
    )
    assert page.is_published is False
    assert page.slug == "our-offer"
    event = AuditEvent.objects.get(target_type="content.page", target_id=str(page.pk))
    assert event.verb == "page.created"
    assert event.actor == lead
    assert event.after["title"] == "Our offer"
    assert event.after["region"] == world.region_a.pk


def test_slugs_are_unique_and_never_feed(world):
    admin = world.user("national_admin")
    data = {"title": "Feed", "summary": "s", "body": "b", **dates()}
    first = content_create(model=NewsItem, data=data, by=admin)
    second = content_create(model=NewsItem, data=data, by=admin)
    assert (first.slug, second.slug) == ("feed-2", "feed-3")


def dates() -> dict:
    return {
        "publish_date": days_from_today(0),
        "show_from": days_from_today(0),
        "show_until": days_from_today(9),
    }


def test_an_update_records_only_what_changed_and_no_change_writes_nothing(world):
    lead = world.user("regional_lead")
    item = NewsFactory(region=world.region_a, title="Old title")
    content_update(item=item, data={"title": "New title", "summary": item.summary}, by=lead)
    event = AuditEvent.objects.get(verb="news_item.updated")
    assert event.before == {"title": "Old title"}
    assert event.after == {"title": "New title"}

    content_update(item=item, data={"title": "New title"}, by=lead)
    assert AuditEvent.objects.filter(verb="news_item.updated").count() == 1


def test_publishing_and_unpublishing_are_audited(world):
    admin = world.user("national_admin")
    item = TestimonialFactory(region=world.region_b, is_published=False)
    content_set_published(item=item, published=True, by=admin)
    content_set_published(item=item, published=True, by=admin)  # already published: nothing to record
    content_set_published(item=item, published=False, by=admin)
    assert events_for(item) == ["testimonial.published", "testimonial.unpublished"]
    item.refresh_from_db()
    assert item.is_published is False


def test_every_write_leaves_an_audit_event(world):
    admin = world.user("national_admin")
    writes = [
        lambda: content_create(model=Page, data={"title": "T", "summary": "S", "body": "B"}, by=admin),
        lambda: content_create(
            model=NewsItem, data={"title": "N", "summary": "S", "body": "B", **dates()}, by=admin
        ),
        lambda: content_create(
            model=models.Testimonial,
            data={"region": world.region_a, "quote": "Q", "attribution": "A"},
            by=admin,
        ),
    ]
    for write in writes:
        before = AuditEvent.objects.count()
        item = write()
        content_update(item=item, data={"region": world.region_b}, by=admin)
        content_set_published(item=item, published=True, by=admin)
        assert AuditEvent.objects.count() == before + 3
        assert [v.rsplit(".", 1)[1] for v in events_for(item)] == ["created", "updated", "published"]


@pytest.mark.parametrize("model", [Page, NewsItem])
def test_a_regional_lead_cannot_write_national_or_another_regions_content(world, model):
    lead = world.user("regional_lead")
    extra = dates() if model is NewsItem else {}
    for region in (None, world.region_b):
        data = {"region": region, "title": "T", "summary": "S", "body": "B", **extra}
        with pytest.raises(PermissionDenied):
            content_create(model=model, data=data, by=lead)
    assert model.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_regional_lead_cannot_move_their_content_out_of_their_region(world):
    lead = world.user("regional_lead")
    page = PageFactory(region=world.region_a)
    with pytest.raises(PermissionDenied):
        content_update(item=page, data={"region": world.region_b}, by=lead)
    page.refresh_from_db()
    assert page.region == world.region_a


@pytest.mark.parametrize("role", ["scheme_admin", "educator", "mentor", "trainee"])
def test_other_roles_cannot_write_content(world, role):
    page = PageFactory(region=world.region_a)
    with pytest.raises(PermissionDenied):
        content_set_published(item=page, published=False, by=world.user(role))
    with pytest.raises(PermissionDenied):
        content_update(item=page, data={"title": "Changed"}, by=world.user(role))


def test_invalid_content_is_refused_and_nothing_is_written(world):
    admin = world.user("national_admin")
    data = {"title": "N", "summary": "S", "body": "B", **dates(), "show_until": days_from_today(-1)}
    with pytest.raises(ValidationError):
        content_create(model=NewsItem, data=data, by=admin)
    with pytest.raises(ValidationError):
        content_create(model=Page, data={"title": "T", "summary": "S", "body": "B", "slug": "x"}, by=admin)
    assert NewsItem.objects.count() == Page.objects.count() == AuditEvent.objects.count() == 0


# --- pages: who may edit what -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FACTORIES))
@pytest.mark.parametrize("action", ["manage", "edit"])
def test_another_regions_lead_gets_404(world, client, other_lead, kind, action):
    item = FACTORIES[kind](region=world.region_a)
    client.force_login(other_lead)
    url = reverse(f"content:{kind}_{action}", kwargs={"pk": item.pk})
    assert client.get(url).status_code == 404
    if action == "edit":
        assert client.post(url, {"action": "save"}).status_code == 404
    publish = reverse(f"content:{kind}_publish", kwargs={"pk": item.pk})
    assert client.post(publish, {"published": "0"}).status_code == 404
    item.refresh_from_db()
    assert item.is_published is True
    assert events_for(item) == []


@pytest.mark.parametrize("kind", ["page", "news"])
def test_national_content_is_404_to_regional_leads(world, client_for, kind):
    item = FACTORIES[kind](region=None)
    client = client_for("regional_lead")
    assert client.get(reverse(f"content:{kind}_manage", kwargs={"pk": item.pk})).status_code == 404
    assert (
        client_for("national_admin")
        .get(reverse(f"content:{kind}_manage", kwargs={"pk": item.pk}))
        .status_code
        == 200
    )


@pytest.mark.parametrize("role", ["scheme_admin", "educator", "mentor", "trainee"])
def test_roles_without_the_permission_get_403(world, client_for, role):
    item = PageFactory(region=world.region_a)
    client = client_for(role)
    assert client.get(reverse("content:manage")).status_code == 403
    assert client.get(reverse("content:page_create")).status_code == 403
    assert (
        client.post(reverse("content:page_publish", kwargs={"pk": item.pk}), {"published": "0"}).status_code
        == 403
    )


def test_the_manage_list_shows_only_the_editors_content(world, client_for, other_lead):
    mine = PageFactory(region=world.region_a, title="Region A page")
    PageFactory(region=world.region_b, title="Region B page")
    PageFactory(region=None, title="National page")
    body = client_for("regional_lead").get(reverse("content:manage")).content.decode()
    assert mine.title in body
    assert "Region B page" not in body
    assert "National page" not in body
    body = client_for("national_admin").get(reverse("content:manage")).content.decode()
    assert all(title in body for title in ("Region A page", "Region B page", "National page"))


def test_a_lead_can_choose_only_their_own_region(world, client_for):
    client = client_for("regional_lead")
    body = client.get(reverse("content:page_create")).content.decode()
    assert world.region_a.name in body
    assert world.region_b.name not in body
    assert "National (all regions)" not in body
    response = client.post(
        reverse("content:page_create"),
        {"region": world.region_b.pk, "title": "T", "summary": "S", "body": "B", "action": "save"},
    )
    assert response.status_code == 400
    assert "Choose a region you look after." in response.content.decode()
    assert Page.objects.count() == 0


# --- pages: preview, save, publish, history ---------------------------------------------------------------


def news_form(region, **changes) -> dict:
    form = {
        "region": region.pk,
        "title": "Teaching day in May",
        "summary": "A day of teaching.",
        "body": "Come **along**.\n\n<script>alert(1)</script>",
        "publish_date": days_from_today(0).strftime("%d/%m/%Y"),
        "show_from": days_from_today(0).strftime("%d/%m/%Y"),
        "show_until": days_from_today(14).strftime("%d/%m/%Y"),
        "action": "save",
    }
    return {**form, **changes}


def test_preview_shows_the_content_and_saves_nothing(world, client_for):
    client = client_for("regional_lead")
    response = client.post(reverse("content:news_create"), news_form(world.region_a, action="preview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview: as the public will see it" in body
    assert "Come <strong>along</strong>." in body
    assert "<script>alert(1)</script>" not in body
    assert 'value="Teaching day in May"' in body  # the form keeps what was typed
    assert NewsItem.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_save_makes_a_draft_that_the_public_cannot_see_until_published(world, client_for, client):
    lead = client_for("regional_lead")
    response = lead.post(reverse("content:news_create"), news_form(world.region_a))
    item = NewsItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("content:news_manage", kwargs={"pk": item.pk})
    assert item.is_published is False

    public_url = reverse("content:news_detail", args=[item.slug])
    lead.logout()
    assert client.get(public_url).status_code == 404

    lead = client_for("regional_lead")
    manage = lead.get(reverse("content:news_manage", kwargs={"pk": item.pk})).content.decode()
    assert "Preview: as the public will see it" in manage
    assert "No: it is a draft" in manage
    response = lead.post(reverse("content:news_publish", kwargs={"pk": item.pk}), {"published": "1"})
    assert response.status_code == 302
    lead.logout()
    assert client.get(public_url).status_code == 200


def test_editing_records_history_that_editors_see(world, client_for):
    item = PageFactory(region=world.region_a, title="First title")
    client = client_for("regional_lead")
    url = reverse("content:page_edit", kwargs={"pk": item.pk})
    form = {"region": world.region_a.pk, "title": "Second title", "summary": item.summary, "body": "New body"}
    assert client.post(url, {**form, "action": "save"}).status_code == 302
    item.refresh_from_db()
    assert item.title == "Second title"
    assert item.is_published is True  # edits to published content stay published

    history = client.get(reverse("content:page_manage", kwargs={"pk": item.pk})).content.decode()
    assert "History" in history
    assert "Changed: body, title" in history
    assert "regional_lead@example.org" in history


def test_bad_input_is_shown_with_every_error_and_nothing_is_saved(world, client_for):
    client = client_for("national_admin")
    response = client.post(
        reverse("content:news_create"),
        news_form(
            world.region_a,
            title="",
            publish_date="31/02/2027",
            show_until=days_from_today(-3).strftime("%d/%m/%Y"),
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a title" in body
    assert "Enter a real date" in body
    assert NewsItem.objects.count() == 0


def test_show_until_before_show_from_is_refused(world, client_for):
    response = client_for("national_admin").post(
        reverse("content:news_create"),
        news_form(world.region_a, show_until=days_from_today(-3).strftime("%d/%m/%Y")),
    )
    assert response.status_code == 400
    assert "must be on or after the first" in response.content.decode()


def test_publish_needs_a_choice(world, client_for):
    item = PageFactory(region=world.region_a)
    response = client_for("regional_lead").post(reverse("content:page_publish", kwargs={"pk": item.pk}))
    assert response.status_code == 400
    assert events_for(item) == []


def test_national_admins_can_write_national_content_through_the_pages(world, client_for):
    client = client_for("national_admin")
    response = client.post(
        reverse("content:page_create"),
        {"region": "", "title": "National", "summary": "S", "body": "B", "action": "save"},
    )
    assert response.status_code == 302
    assert Page.objects.get().region is None
