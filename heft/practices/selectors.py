from django.db.models import Count, Q, QuerySet

from heft.practices.models import Practice


def practices_list(
    *, search: str = "", deep_end_only: bool = False, region_code: str = ""
) -> QuerySet[Practice]:
    practices = Practice.objects.select_related("region").annotate(post_count=Count("posts"))
    if search:
        practices = practices.filter(
            Q(name__icontains=search) | Q(ods_code__iexact=search) | Q(postcode__istartswith=search)
        )
    if deep_end_only:
        practices = practices.filter(is_deep_end=True)
    if region_code:
        practices = practices.filter(region__code=region_code)
    return practices.order_by("name")


def practice_detail(ods_code: str) -> Practice:
    return (
        Practice.objects.select_related("region")
        .prefetch_related("posts__category", "posts__scheme")
        .get(ods_code=ods_code)
    )
