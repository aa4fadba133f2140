"""The news as RSS and Atom: only what the news page shows today."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from heft.content.selectors import news_visible

FEED_SIZE = 20


class NewsFeed(Feed):
    title = "HEFT news"
    description = "News from Health Equity Focussed Training, the enhanced GP training programme in England."

    def link(self):
        return reverse("content:news_list")

    def items(self):
        return news_visible()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return reverse("content:news_detail", args=[item.slug])

    def item_pubdate(self, item):
        return datetime.datetime.combine(item.publish_date, datetime.time(9), timezone.get_current_timezone())

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.region.name] if item.region_id else ["National"]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
