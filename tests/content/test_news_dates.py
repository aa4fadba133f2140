"""A news item shows only while published and between its show dates (inclusive): on no page, feed,
sitemap or API answer outside them."""

import xml.etree.ElementTree as ET

import pytest
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
