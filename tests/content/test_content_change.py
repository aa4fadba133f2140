"""An API edit that also publishes is one change: both happen or neither. The API's region filter and the
region codes it is sent are read through the selectors."""

import pytest
from django.core.exceptions import PermissionDenied

from heft.audit.models import AuditEvent
from heft.content import selectors, services
from heft.content.selectors import news_visible, pages_published, region_pk
from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory


def test_an_edit_that_publishes_is_audited_as_both(world):
    item = PageFactory(region=world.region_a, title="Draft", is_published=False)
    lead = world.user("regional_lead")
    item = services.content_change(item=item, data={"title": "Ready"}, published=True, by=lead)
    item.refresh_from_db()
    assert (item.title, item.is_published) == ("Ready", True)
    assert sorted(AuditEvent.objects.values_list("verb", flat=True)) == ["page.published", "page.updated"]


def test_a_refused_publish_undoes_the_edit(world, monkeypatch):
    item = PageFactory(region=world.region_a, title="Draft", is_published=False)

    def refuse(**kwargs):
        raise PermissionDenied("No.")

    monkeypatch.setattr(services, "content_set_published", refuse)
    with pytest.raises(PermissionDenied):
        services.content_change(
            item=item, data={"title": "Ready"}, published=True, by=world.user("regional_lead")
        )
    item.refresh_from_db()
    assert (item.title, item.is_published) == ("Draft", False)
    assert not AuditEvent.objects.exists()


def test_the_region_filter_keeps_the_regions_content_and_no_code_keeps_all(world):
    PageFactory(region=world.region_a, slug="a")
    PageFactory(region=world.region_b, slug="b")
    NewsFactory(region=world.region_b, slug="news-b")
    TestimonialFactory(region=world.region_a, attribution="Dr A (fictional)")
    assert [page.slug for page in pages_published(region_code=world.region_a.code)] == ["a"]
    assert sorted(page.slug for page in pages_published()) == ["a", "b"]
    assert [item.slug for item in news_visible(region_code=world.region_a.code)] == []
    assert selectors.testimonials_published(region_code=world.region_b.code).count() == 0


def test_a_region_code_gives_its_id_and_an_unknown_one_none(world):
    assert region_pk(world.region_b.code) == world.region_b.pk
    assert region_pk("nowhere") is None
