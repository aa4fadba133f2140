"""Reads of practices and their data. Practices are not personal data: everyone holding VIEW_PRACTICES sees
all of them. The trainees placed at a practice are, so their names come through trainees_visible_to."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from heft.accounts.permissions import Perm, scope_for
from heft.practices.deep_end import DeepEndPlan, RuleChoice, plan_rule, practices_for_rule
from heft.practices.models import DataImport, DeepEndRuleApplication, Practice
from heft.programmes.models import Post
from heft.trainees.models import Placement
from heft.trainees.selectors import trainees_visible_to


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


def practices_for_posts(*, region=None) -> QuerySet[Practice]:
    """The practices a GP placement can be in: those open (active or dormant), in `region` when given."""
    practices = Practice.objects.exclude(status__in=[Practice.Status.CLOSED, Practice.Status.PROPOSED])
    if region is not None:
        practices = practices.filter(region=region)
    return practices.order_by("name")


def practices_by_ods_code(codes) -> dict[str, Practice]:
    """Open practices by upper-case ODS code, for the codes given (unknown codes are simply absent)."""
    wanted = {str(code).strip().upper() for code in codes if code}
    return {p.ods_code.upper(): p for p in practices_for_posts().filter(ods_code__in=wanted)}


def practice_detail(ods_code: str) -> Practice:
    return (
        Practice.objects.select_related("region")
        .prefetch_related("posts__category", "posts__scheme")
        .get(ods_code=ods_code)
    )


def can_manage_practice(user, practice: Practice) -> bool:
    """Programme teams manage the practices in their region, or those holding their scheme's posts."""
    scope = scope_for(user, Perm.MANAGE_PRACTICES)
    if scope.england or (practice.region_id and practice.region_id in scope.region_ids):
        return True
    return bool(scope.scheme_ids) and practice.posts.filter(scheme_id__in=scope.scheme_ids).exists()


@dataclass
class PlacementsAt:
    visible: list[Placement]  # placements of trainees the user may see, newest first
    others: int  # placements of trainees outside the user's scope: counted, not named


def placements_at(user, practice: Practice) -> PlacementsAt:
    placements = Placement.objects.filter(post__practice=practice)
    visible = (
        placements.filter(membership__trainee__in=trainees_visible_to(user))
        .select_related("membership__trainee", "membership__scheme", "post")
        .order_by("-start_date", "membership__trainee__surname")
    )
    visible = list(visible)
    return PlacementsAt(visible, placements.count() - len(visible))


def imports_list() -> QuerySet[DataImport]:
    return DataImport.objects.select_related("by").defer("problems", "summary")


def imports_in_full() -> QuerySet[DataImport]:
    """The import log with each import's summary and problems, for reading one import."""
    return DataImport.objects.select_related("by")


def import_detail(pk: int) -> DataImport:
    return imports_in_full().get(pk=pk)


# --- the Deep End rule --------------------------------------------------------------------------------------


def deep_end_rule_preview(choice: RuleChoice) -> DeepEndPlan:
    """What applying the rule would change now: nothing is changed."""
    return plan_rule(choice, list(practices_for_rule(choice.measure)))


def rule_applications() -> QuerySet[DeepEndRuleApplication]:
    """Every rule applied or asked for, newest first, whatever became of it."""
    return DeepEndRuleApplication.objects.select_related("by").order_by("-applied_at", "-pk")


def rules_applied() -> QuerySet[DeepEndRuleApplication]:
    """The rules that were applied, newest first: the first is the one in force."""
    return rule_applications().filter(status=DeepEndRuleApplication.Status.APPLIED)


def rule_application(pk: int) -> DeepEndRuleApplication:
    return rule_applications().get(pk=pk)


def latest_rule_application() -> DeepEndRuleApplication | None:
    return rules_applied().first()


def rule_application_under_way() -> DeepEndRuleApplication | None:
    """A rule waiting for the worker or being applied, if any."""
    waiting = [DeepEndRuleApplication.Status.QUEUED, DeepEndRuleApplication.Status.RUNNING]
    return rule_applications().filter(status__in=waiting).first()


def deep_end_count() -> int:
    return Practice.objects.filter(is_deep_end=True).count()


def practices_decided_by_hand() -> QuerySet[Practice]:
    return Practice.objects.filter(deep_end_override__isnull=False).order_by("name")


# --- for the national admin's home page --------------------------------------------------------------------

DEPRIVATION_SOURCES = (DataImport.Source.FINGERTIPS, DataImport.Source.IOD, DataImport.Source.LSOA_PATIENTS)


@dataclass
class SourceState:
    """One public data source: its latest load that succeeded, and its latest attempt whatever came of it."""

    source: str
    label: str
    loaded: DataImport | None
    latest: DataImport | None

    @property
    def last_attempt_failed(self) -> bool:
        return self.latest is not None and self.latest.status in (
            DataImport.Status.REFUSED,
            DataImport.Status.FAILED,
        )


def data_sources_state() -> list[SourceState]:
    """Every source, in the order they are loaded: two small queries a source, whatever the log holds."""
    imports = imports_list()
    return [
        SourceState(
            source,
            label,
            imports.filter(source=source, status=DataImport.Status.LOADED).order_by("-finished_at").first(),
            imports.filter(source=source).first(),
        )
        for source, label in DataImport.Source.choices
    ]


def deprivation_loaded_after(moment) -> list[DataImport]:
    """Deprivation data loaded after `moment` (say, after the Deep End rule was last applied)."""
    loaded = imports_list().filter(
        source__in=DEPRIVATION_SOURCES, status=DataImport.Status.LOADED, finished_at__gt=moment
    )
    return list(loaded)


def deep_end_rules_recorded() -> list[str]:
    """The rules (with their data vintage) that set the practices' Deep End flags as they stand, as each
    practice records it: what is in force even where no application of a rule was logged here."""
    rules = Practice.objects.exclude(deep_end_rule="").order_by("deep_end_rule")
    return list(rules.values_list("deep_end_rule", flat=True).distinct())


def practices_needing_a_look(listed: int = 10) -> dict[str, tuple[int, list[Practice]]]:
    """Practices holding posts whose data needs a look, each kind counted with the first `listed` by name:
    closed by ODS (`closed`), or with no deprivation figures (`no_deprivation`)."""
    with_posts = Practice.objects.filter(pk__in=Post.objects.values("practice_id")).order_by("name")
    kinds = {
        "closed": with_posts.filter(status=Practice.Status.CLOSED),
        "no_deprivation": with_posts.filter(imd_decile__isnull=True),
    }
    return {key: (practices.count(), list(practices[:listed])) for key, practices in kinds.items()}
