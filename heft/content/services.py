"""Writes to the public site's content. Each checks the editor's scope, runs in one transaction and leaves
an audit event (the page history editors see is read from those events)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from heft.audit.services import audit_record, snapshot
from heft.content.models import NewsItem, Page, Testimonial
from heft.content.selectors import can_manage_region

# What an editor may change, per kind of content. Slugs are made once, from the title, so links stay put.
EDITABLE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Page: ("region", "title", "summary", "body"),
    NewsItem: ("region", "title", "summary", "body", "publish_date", "show_from", "show_until"),
    Testimonial: ("region", "quote", "attribution"),
}
RESERVED_SLUGS = {"feed"}  # /news/feed/ is the news feed
OUT_OF_SCOPE = "You can only change content for your own region."


def content_create(*, model: type[models.Model], data: dict, by) -> models.Model:
    """A new draft: nothing shows on the public site until it is published."""
    fields = _editable(model, data)
    _require_scope(by, _pk(fields.get("region")))
    item = model(**fields, is_published=False)
    with transaction.atomic():
        if hasattr(item, "slug"):
            item.slug = _unique_slug(model, item.title)
        item.full_clean()
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            raise ValidationError(
                "Something with the same title was saved at the same moment: try again."
            ) from None
        audit_record(by=by, verb=f"{_noun(model)}.created", target=item, after=_snapshot(item))
    return item


def content_update(*, item: models.Model, data: dict, by) -> models.Model:
    """Change what an editor may change; a published item stays published. No change, no write."""
    model = type(item)
    fields = _editable(model, data)
    if "region" in fields:
        _require_scope(by, _pk(fields["region"]))
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        _require_scope(by, item.region_id)
        before = _snapshot(item)
        for name, value in fields.items():
            setattr(item, name, value)
        item.full_clean()
        after = _snapshot(item)
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return item
        item.save()
        audit_record(
            by=by,
            verb=f"{_noun(model)}.updated",
            target=item,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return item


def content_set_published(*, item: models.Model, published: bool, by) -> models.Model:
    model = type(item)
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        _require_scope(by, item.region_id)
        if item.is_published == published:
            return item
        item.is_published = published
        item.save(update_fields=["is_published", "updated_at"])
        audit_record(
            by=by,
            verb=f"{_noun(model)}.{'published' if published else 'unpublished'}",
            target=item,
            before={"is_published": not published},
            after={"is_published": published},
        )
    return item


def content_change(*, item: models.Model, data: dict, published: bool | None = None, by) -> models.Model:
    """Update the item and, when `published` is given, publish or unpublish it: both happen or neither."""
    with transaction.atomic():
        item = content_update(item=item, data=data, by=by)
        if published is not None:
            item = content_set_published(item=item, published=published, by=by)
    return item


def _editable(model: type[models.Model], data: dict) -> dict:
    unknown = set(data) - set(EDITABLE_FIELDS[model])
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    return dict(data)


def _require_scope(by, region_id: int | None) -> None:
    if not can_manage_region(by, region_id):
        raise PermissionDenied(OUT_OF_SCOPE)


def _pk(record: models.Model | None) -> int | None:
    return record.pk if record else None


def _noun(model: type[models.Model]) -> str:
    return model._meta.verbose_name.replace(" ", "_")  # page, news_item, testimonial


def _snapshot(item: models.Model) -> dict:
    extra = ["slug"] if hasattr(item, "slug") else []
    return snapshot(item, [*EDITABLE_FIELDS[type(item)], *extra, "is_published"])


def _unique_slug(model: type[models.Model], title: str) -> str:
    base = slugify(title)[:70].strip("-") or _noun(model).replace("_", "-")
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
