"""Reads for the set-up pages beyond heft.programmes.selectors: the records the structure pages edit, by
their address; whether a code or name is taken (so a form can say so in plain words before the service's
own check); and each scheme's intakes for the set-up hub, for many schemes in two queries.

The structure is not personal data; what matters is who may change it, which these reads say too.
"""

import datetime

from django.db.models import Count, Model, Q, QuerySet

from heft.accounts.permissions import Perm, scope_for
from heft.programmes.models import (
    PostCategory,
    PostSubtype,
    Region,
    Rotation,
    SchemeIntake,
    School,
    TrainingScheme,
)
from heft.programmes.selectors import regions_led_by, schemes_managed_by

# --- who may change what ----------------------------------------------------------------------------------


def may_edit_scheme(user, scheme: TrainingScheme) -> bool:
    """Regional leads change their region's schemes (national admins any); a scheme's own administrators
    see its set-up and set its HEFT offer, but its name, code and school are their regional lead's."""
    return scope_for(user, Perm.MANAGE_PROGRAMMES).covers_region(scheme.region_id)


def may_create_schemes(user) -> bool:
    return regions_led_by(user).exists()


def region_editable_by(user, code: str) -> Region:
    """A region whose details `user` may change (Region.DoesNotExist for any other: it looks absent)."""
    return regions_led_by(user).get(code=code)


# --- the records the structure pages edit -----------------------------------------------------------------


def regions_with_schools() -> QuerySet[Region]:
    return Region.objects.prefetch_related("schools").annotate(scheme_count=Count("schemes")).order_by("name")


def region_by_code(code: str) -> Region:
    return Region.objects.get(code=code)


def school_by_pk(pk: int) -> School:
    return School.objects.select_related("region").get(pk=pk)


def schools_in_regions(regions) -> list[School]:
    """The schools a new scheme may join, by region name then school name."""
    return list(
        School.objects.filter(region__in=regions).select_related("region").order_by("region__name", "name")
    )


def category_by_pk(pk: int) -> PostCategory:
    return PostCategory.objects.get(pk=pk)


def subtype_by_pk(pk: int) -> PostSubtype:
    return PostSubtype.objects.select_related("category").get(pk=pk)


def catalogue_counts() -> dict[str, int]:
    """How many post categories there are, and how many of them are innovative posts."""
    return PostCategory.objects.aggregate(
        categories=Count("pk"), innovative=Count("pk", filter=Q(kind=PostCategory.Kind.INNOVATIVE))
    )


def is_taken(model: type[Model], *, excluding: Model | None = None, **values) -> bool:
    """Whether another record of `model` already has these values (`excluding` is the one being edited)."""
    rows = model.objects.filter(**values)
    if excluding is not None and excluding.pk is not None:
        rows = rows.exclude(pk=excluding.pk)
    return rows.exists()


# --- schemes and their intakes ----------------------------------------------------------------------------


def intake_label(intake: str) -> str:
    """'2027-08' -> 'August 2027'; anything else as it is."""
    try:
        return datetime.datetime.strptime(intake, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return intake


def schemes_set_up_by(user) -> QuerySet[TrainingScheme]:
    """The schemes `user` manages, by region then name; give a page of them to with_intake_rows."""
    return (
        schemes_managed_by(user)
        .select_related("region", "school")
        .prefetch_related("localities")
        .order_by("region__name", "name")
    )


def with_intake_rows(user, schemes) -> list[TrainingScheme]:
    """`schemes`, each with `intake_rows` (see intakes_by_scheme) and `editable`."""
    schemes = list(schemes)
    rows = intakes_by_scheme(schemes)
    for scheme in schemes:
        scheme.intake_rows = rows.get(scheme.pk, [])
        scheme.editable = may_edit_scheme(user, scheme)
    return schemes


def intakes_by_scheme(schemes) -> dict[int, list[dict]]:
    """For each scheme, what heft.programmes.selectors.scheme_intakes gives for one (the team's decision per
    intake and the hints beside it), plus each intake's label: two queries for any number of schemes."""
    decided: dict[tuple[int, str], SchemeIntake] = {
        (d.scheme_id, d.intake): d for d in SchemeIntake.objects.filter(scheme__in=schemes)
    }
    counts = (
        Rotation.objects.filter(scheme__in=schemes)
        .exclude(availability=Rotation.Availability.WITHDRAWN)
        .values("scheme_id", "intake")
        .annotate(
            rotations=Count("pk", distinct=True),
            innovative=Count(
                "pk", distinct=True, filter=Q(slots__post__category__kind=PostCategory.Kind.INNOVATIVE)
            ),
            deep_end=Count("pk", distinct=True, filter=Q(slots__post__practice__is_deep_end=True)),
        )
    )
    hints = {(row["scheme_id"], row["intake"]): row for row in counts}
    by_scheme: dict[int, list[dict]] = {}
    for scheme_id, intake in sorted(set(decided) | set(hints), key=lambda key: key[1], reverse=True):
        hint = hints.get((scheme_id, intake), {})
        by_scheme.setdefault(scheme_id, []).append(
            {
                "intake": intake,
                "label": intake_label(intake),
                "decision": decided.get((scheme_id, intake)),
                "rotations": hint.get("rotations", 0),
                "innovative": hint.get("innovative", 0),
                "deep_end": hint.get("deep_end", 0),
            }
        )
    return by_scheme
