"""Reads for the public site and for its editors.

The public sees published content only, and a news item only between its show dates. Editors see the
content in their MANAGE_CONTENT scope: national admins all of it, regional leads their region's; anything
else is treated as absent (404).
"""

import datetime
from collections.abc import Iterable

from django.db.models import BooleanField, ExpressionWrapper, Model, Prefetch, Q, QuerySet
from django.utils import timezone

from heft.accounts.permissions import Perm, scope_for
from heft.audit.models import AuditEvent
from heft.content.models import NewsItem, Page, Testimonial
from heft.programmes.models import PostCategory, Region, Rotation, RotationSlot, TrainingScheme
from heft.programmes.selectors import regions_with_schemes, rotations_list, scheme_intakes

# --- the public site ----------------------------------------------------------------------------------


def news_showing(on: datetime.date | None = None) -> Q:
    """The one rule for news on the site: published, and `on` (today in UK time) within its show dates."""
    day = on or timezone.localdate()
    return Q(is_published=True, show_from__lte=day, show_until__gte=day)


CONTACT_SLUG = "contact"  # the national page the contact page shows


def _in_region(items: QuerySet, region_code: str) -> QuerySet:
    """Only the region's content when a region is asked for (the API's `region=`); all of it otherwise."""
    return items.filter(region__code=region_code) if region_code else items


def news_visible(*, on: datetime.date | None = None, region_code: str = "") -> QuerySet[NewsItem]:
    """The news the public sees, newest first."""
    return _in_region(NewsItem.objects.filter(news_showing(on)).select_related("region"), region_code)


def pages_published(*, region_code: str = "") -> QuerySet[Page]:
    return _in_region(Page.objects.filter(is_published=True).select_related("region"), region_code)


def testimonials_published(*, region_code: str = "") -> QuerySet[Testimonial]:
    return _in_region(Testimonial.objects.filter(is_published=True).select_related("region"), region_code)


def national_pages() -> QuerySet[Page]:
    """The published pages for all of England; the contact page is left out, as it has a page of its own."""
    return pages_published().filter(region__isnull=True).exclude(slug=CONTACT_SLUG)


def contact_page() -> Page | None:
    return pages_published().filter(slug=CONTACT_SLUG, region__isnull=True).first()


def region_showcase(region: Region) -> dict:
    """What a region's public page shows: its pages, its five newest news items and three testimonials."""
    return {
        "pages": pages_published().filter(region=region),
        "news": news_visible().filter(region=region)[:5],
        "testimonials": testimonials_published().filter(region=region)[:3],
    }


def innovative_categories() -> QuerySet[PostCategory]:
    return PostCategory.objects.filter(kind=PostCategory.Kind.INNOVATIVE).order_by("name")


def public_regions() -> QuerySet[Region]:
    return regions_with_schemes()


def public_region(code: str) -> Region:
    return public_regions().get(code=code)


def public_scheme(*, region_code: str, scheme_code: str) -> TrainingScheme:
    return TrainingScheme.objects.select_related("region", "school").get(
        code=scheme_code, region__code=region_code
    )


def public_rotations(scheme_code: str) -> list[Rotation]:
    """The scheme's rotations still on offer (withdrawn ones left out), each with its posts in order."""
    slots = RotationSlot.objects.select_related("post__category", "post__practice").order_by("order")
    return list(
        rotations_list(scheme_code=scheme_code)
        .exclude(availability=Rotation.Availability.WITHDRAWN)
        .prefetch_related(Prefetch("slots", queryset=slots))
        .order_by("-intake", "-heft", "code")
    )


def intake_label(intake: str) -> str:
    """'2026-08' -> 'August 2026'; anything else is shown as it is."""
    try:
        return datetime.datetime.strptime(intake, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return intake


def rotations_by_intake(rotations: Iterable[Rotation]) -> list[dict]:
    """[{label, heft: [...], other: [...]}] per intake, in the order given."""
    groups: dict[str, dict] = {}
    for rotation in rotations:
        group = groups.setdefault(
            rotation.intake,
            {"intake": rotation.intake, "label": intake_label(rotation.intake), "heft": [], "other": []},
        )
        group["heft" if rotation.heft else "other"].append(rotation)
    return list(groups.values())


def public_intakes(scheme: TrainingScheme) -> list[dict]:
    """Each intake of the scheme, newest first: its rotations grouped as rotations_by_intake groups them,
    the programme team's explicit HEFT decision (`decision`, None until they make one) and the hints shown
    beside it (`rotations`, `innovative`, `deep_end`: how many of its rotations hold an innovative post or
    a Deep End practice). An intake with a decision but no rotations yet is shown too."""
    groups = {group["intake"]: group for group in rotations_by_intake(public_rotations(scheme.code))}
    offers = {row["intake"]: row for row in scheme_intakes(scheme)}
    intakes = []
    for intake in sorted(set(groups) | set(offers), reverse=True):
        empty = {"intake": intake, "label": intake_label(intake), "heft": [], "other": []}
        group = groups.get(intake) or empty
        offer = offers.get(intake, {})
        hints = {key: offer.get(key, 0) for key in ("rotations", "innovative", "deep_end")}
        intakes.append({**group, **hints, "decision": offer.get("decision")})
    return intakes


# --- editors ------------------------------------------------------------------------------------------


def content_scope_filter(user) -> Q | None:
    """The rows an editor may manage, as a filter; None when they may manage nothing."""
    scope = scope_for(user, Perm.MANAGE_CONTENT)
    if scope.england:
        return Q()
    if scope.region_ids:
        return Q(region_id__in=scope.region_ids)
    return None


def content_managed_by(user, model: type[Model]) -> QuerySet:
    """The editor's content, each marked `showing` when the public sees it today."""
    condition = content_scope_filter(user)
    if condition is None:
        return model.objects.none()
    showing = news_showing() if model is NewsItem else Q(is_published=True)
    return (
        model.objects.filter(condition)
        .select_related("region")
        .annotate(showing=ExpressionWrapper(showing, output_field=BooleanField()))
    )


def can_manage_region(user, region_id: int | None) -> bool:
    """National content (no region) is for national admins only."""
    return scope_for(user, Perm.MANAGE_CONTENT).covers_region(region_id)


def regions_editable_by(user) -> QuerySet[Region]:
    scope = scope_for(user, Perm.MANAGE_CONTENT)
    if scope.england:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=scope.region_ids).order_by("name")


def may_publish_national(user) -> bool:
    return scope_for(user, Perm.MANAGE_CONTENT).england


def content_history(item: Model) -> QuerySet[AuditEvent]:
    """Every audited change to one piece of content, newest first, with who made it."""
    events = AuditEvent.objects.filter(target_type=item._meta.label_lower, target_id=str(item.pk))
    return events.select_related("actor")


def region_pk(code: str) -> int | None:
    """The id of the region with this code (the API names regions by code, the forms by id)."""
    return Region.objects.filter(code=code).values_list("pk", flat=True).first()


# --- for the home pages ------------------------------------------------------------------------------------


def news_since(since: datetime.datetime) -> list[NewsItem]:
    """News on the site today that was not there at `since`: shown from a later day, or written after it."""
    news = news_visible().filter(Q(show_from__gt=timezone.localtime(since).date()) | Q(created_at__gt=since))
    return list(news)


def drafts_managed_by(user) -> list:
    """The editor's unpublished pages, news and testimonials, the most recently changed first."""
    drafts = [
        item
        for model in (Page, NewsItem, Testimonial)
        for item in content_managed_by(user, model).filter(is_published=False)
    ]
    return sorted(drafts, key=lambda item: item.updated_at, reverse=True)
