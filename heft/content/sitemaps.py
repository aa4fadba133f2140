"""sitemap.xml: every public page, and only what the public may see today."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from heft.content.selectors import news_visible, pages_published
from heft.programmes.models import Region, TrainingScheme

PUBLIC_PAGES = [
    "home",
    "content:what_is_heft",
    "content:region_list",
    "content:testimonial_list",
    "content:news_list",
    "content:contact",
    "teaching:public_timetable",
]


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return PUBLIC_PAGES

    def location(self, item):
        return reverse(item)


class RegionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Region.objects.order_by("name")

    def location(self, region):
        return reverse("content:region_detail", args=[region.code])


class RegionTimetableSitemap(RegionSitemap):
    def location(self, region):
        return reverse("teaching:public_region_timetable", kwargs={"region_code": region.code})


class SchemeSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return TrainingScheme.objects.select_related("region").order_by("region__name", "name")

    def location(self, scheme):
        return reverse("content:scheme_detail", args=[scheme.region.code, scheme.code])


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return pages_published().order_by("slug")

    def location(self, page):
        return reverse("content:page_detail", args=[page.slug])

    def lastmod(self, page):
        return page.updated_at


class NewsSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return news_visible()

    def location(self, item):
        return reverse("content:news_detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PublicPagesSitemap,
    "regions": RegionSitemap,
    "timetables": RegionTimetableSitemap,
    "schemes": SchemeSitemap,
    "content": PageSitemap,
    "news": NewsSitemap,
}
