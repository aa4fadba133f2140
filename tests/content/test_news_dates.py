"""A news item shows only while published and between its show dates (inclusive): on no page, feed,
sitemap or API answer outside them."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from heft.content.selectors import news_visible
from tests.content.factories import NewsFactory, days_from_today

# (show from, show until, published) in days from today -> shown today?
CASES = {
    "current": (-5, 5, True, True),
    "starts today": (0, 5, True, True),
    "ends today": (-5, 0, True, True),
    "one day only, today": (0, 0, True, True),
    "ended yesterday": (-10, -1, True, False),
    "starts tomorrow": (1, 10, True, False),
    "long past": (-400, -300, True, False),
    "draft within its dates": (-5, 5, False, False),
}


@pytest.fixture
def news(db, world):
    return {
        name: NewsFactory(
            title=f"News that is {name}",
            slug=f"news-{index}",
            region=world.region_a,
            show_from=days_from_today(start),
            show_until=days_from_today(end),
            is_published=published,
        )
        for index, (name, (start, end, published, _)) in enumerate(CASES.items())
    }


SHOWN = sorted(name for name, case in CASES.items() if case[3])
HIDDEN = sorted(name for name, case in CASES.items() if not case[3])


def titles_in(body: str, news) -> list[str]:
    return sorted(name for name, item in news.items() if item.title in body)


def test_the_selector_keeps_only_news_within_its_dates(news):
    assert sorted(item.title.removeprefix("News that is ") for item in news_visible()) == SHOWN


def test_the_dates_are_inclusive_on_both_ends(news):
    item = news["current"]
    assert item in news_visible(on=days_from_today(-5))
    assert item in news_visible(on=days_from_today(5))
    assert item not in news_visible(on=days_from_today(-6))
    assert item not in news_visible(on=days_from_today(6))


@pytest.mark.parametrize(
    "url",
    [reverse("home"), reverse("content:news_list"), reverse("content:region_detail", args=["region-a"])],
)
def test_pages_list_only_news_within_its_dates(news, client, url):
    body = client.get(url).content.decode()
    shown = titles_in(body, news)
    assert set(shown) <= set(SHOWN)
    assert not set(shown) & set(HIDDEN)
    if url == reverse("content:news_list"):
        assert shown == SHOWN


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_news_page_answers_only_within_its_dates(news, client, name):
    response = client.get(reverse("content:news_detail", args=[news[name].slug]))
    assert response.status_code == (200 if name in SHOWN else 404)


@pytest.mark.parametrize("feed", ["content:news_feed", "content:news_feed_atom"])
def test_the_feeds_carry_only_news_within_its_dates(news, client, feed):
    response = client.get(reverse(feed))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed; must be well-formed XML)
    titles = [el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "title"]
    shown = sorted(name for name, item in news.items() if item.title in titles)
    assert shown == SHOWN


def test_the_feed_links_each_item_to_its_page(news, client):
    root = ET.fromstring(client.get(reverse("content:news_feed")).content)  # noqa: S314 (our own feed)
    links = {item.findtext("link") for item in root.iter("item")}
    assert f"http://testserver{reverse('content:news_detail', args=[news['current'].slug])}" in links


def test_the_sitemap_lists_only_news_within_its_dates(news, client):
    body = client.get(reverse("content:sitemap")).content.decode()
    for name, item in news.items():
        assert (reverse("content:news_detail", args=[item.slug]) in body) == (name in SHOWN), name


def test_the_api_returns_only_news_within_its_dates(news, client):
    listed = client.get("/api/v1/content/news").json()
    assert sorted(item["title"].removeprefix("News that is ") for item in listed["items"]) == SHOWN
    for name, item in news.items():
        status = client.get(f"/api/v1/content/news/{item.slug}").status_code
        assert status == (200 if name in SHOWN else 404), name


def test_news_cannot_end_before_it_starts(world):
    from django.core.exceptions import ValidationError

    item = NewsFactory.build(
        region=world.region_a, show_from=days_from_today(5), show_until=days_from_today(4)
    )
    with pytest.raises(ValidationError, match="on or after"):
        item.full_clean()


# --- what the editor is told ------------------------------------------------------------------------------


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def told(response) -> list[str]:
    """The messages a request left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


SHOWS_LATER = "it will show on the public site from {from}"
ENDED = "it is not showing on the public site: its show dates ended on {until}"


@pytest.mark.parametrize(
    ("start", "end", "message", "on_the_site_today"),
    [
        (1, 10, f"The news item is published: {SHOWS_LATER}.", f"No: {SHOWS_LATER}"),
        (-10, -1, f"The news item is published: {ENDED}.", f"No: {ENDED}"),
        (-1, 10, "The news item is published: it is on the public site.", "Yes: "),
    ],
    ids=["starts tomorrow", "ended yesterday", "showing"],
)
def test_publishing_says_when_the_news_shows(world, client_for, start, end, message, on_the_site_today):
    item = NewsFactory(
        region=world.region_a,
        is_published=False,
        show_from=days_from_today(start),
        show_until=days_from_today(end),
    )
    lead = client_for("regional_lead")
    dates = {"from": long_date(item.show_from), "until": long_date(item.show_until)}
    response = lead.post(reverse("content:news_publish", kwargs={"pk": item.pk}), {"published": "1"})
    assert told(response) == [message.format(**dates)]
    page = lead.get(reverse("content:news_manage", kwargs={"pk": item.pk})).content.decode()
    assert on_the_site_today.format(**dates) in page


def test_saving_published_news_for_later_says_when_it_shows(world, client_for):
    item = NewsFactory(region=world.region_a, show_from=days_from_today(3), show_until=days_from_today(9))
    form = {
        "region": world.region_a.pk,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "publish_date": item.publish_date.strftime("%d/%m/%Y"),
        "show_from": item.show_from.strftime("%d/%m/%Y"),
        "show_until": item.show_until.strftime("%d/%m/%Y"),
        "action": "save",
    }
    response = client_for("regional_lead").post(reverse("content:news_edit", kwargs={"pk": item.pk}), form)
    assert told(response) == [f"Saved. It will show on the public site from {long_date(item.show_from)}."]
