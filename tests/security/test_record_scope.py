"""Record-level scope: every kind of record reached by an id or code in a page's or the API's address
answers 404 to someone whose scope does not reach it, on reading and on writing, and the attempt changes
nothing. Each case also sends the same request as someone in scope, who must not get 404: the 404 is the
scope at work, not a wrong address.

Programme structure (regions, schemes, rotations) and practices are not personal data: every signed-in
role reads all of them (docs/security.md); only changing them is scoped, and that is checked here.
"""

import datetime
import operator
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from heft.accounts.permissions import STAFF_ROLES
from tests.security.records import bearer, changed_tables, database_state, send, sign_in

NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR, TRAINEE = (
    "national_admin",
    "regional_lead",
    "scheme_admin",
    "educator",
    "mentor",
    "trainee",
)
STAFF = {role.value for role in STAFF_ROLES} | {"mentor_b"}
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
NEXT_WEEK = (timezone.now() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Case:
    kind: str  # the kind of record
    route: str
    method: str
    outsiders: tuple[str, ...]  # each gets 404
    insider: str  # reaches the same record
    url: dict = field(default_factory=dict)  # URL argument -> "attribute.path" on the records
    body: object = None  # a function of the records giving the form data or JSON sent
    insider_url: dict | None = None  # where the insider's address differs (a record under another parent)

    @property
    def api(self) -> bool:
        return self.route.startswith("api:")

    def address(self, records, url: dict | None = None) -> str:
        """The URL, its arguments read from the records ('offers' in quotes is taken as it is)."""
        kwargs = {
            name: path.strip("'") if path.startswith("'") else operator.attrgetter(path)(records)
            for name, path in (url or self.url).items()
        }
        return reverse(self.route, kwargs=kwargs)


def read(kind, route, outsiders, insider, **url) -> Case:
    return Case(kind, route, "get", tuple(outsiders), insider, url)


def write(kind, route, outsiders, insider, body=None, method="post", insider_url=None, **url) -> Case:
    return Case(kind, route, method, tuple(outsiders), insider, url, body, insider_url)


TRAINEE_B = {"pk": "trainee_b.pk"}
API_TRAINEE_B = {"trainee_id": "trainee_b.pk"}
INTERRUPTION = {"kind": "sick", "start_date": "2026-12-01"}
LTFT_FORM = {"percent": 80, "start_date": "2027-06-01", "requested_on": "2026-12-01"}
LTFT_JSON = {"wte": "0.8", "start_date": "2027-06-01", "requested_on": "2026-12-01"}
MEETING = {"topic": "Reading", "day": TOMORROW, "starts": "12:00", "ends": "13:00"}

CASES = [
    # Programme structure and practices: read by all; changed only within scope.
    write(
        "rotation",
        "programmes:rotation_availability",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: {"availability": "withdrawn", "reason": "Closing."},
        code="world.rotation_b.code",
    ),
    write(
        "practice",
        "practices:practice_deep_end",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: {"decision": "yes", "reason": "Local knowledge."},
        ods_code="practice_b.ods_code",
    ),
    # Trainees: region B's, scheme A2's (for scheme A's administrator), another mentor's mentee.
    read("trainee", "trainees:trainee_detail", [REGIONAL, MENTOR], "mentor_b", **TRAINEE_B),
    read("trainee", "trainees:trainee_detail", [TPD], REGIONAL, pk="trainee_a3.pk"),
    read("trainee", "api:get_trainee", [REGIONAL, TPD, MENTOR], "mentor_b", **API_TRAINEE_B),
    read("trainee", "api:get_trainee", [TRAINEE], "trainee_a2", trainee_id="trainee_a2.pk"),
    read("trainee", "api:get_trainee", [TPD], REGIONAL, trainee_id="trainee_a3.pk"),
    write(
        "interruption", "trainees:interruption_add", [REGIONAL], NATIONAL, lambda r: INTERRUPTION, **TRAINEE_B
    ),
    write(
        "interruption",
        "trainees:interruption_add",
        [TPD],
        REGIONAL,
        lambda r: INTERRUPTION,
        pk="trainee_a3.pk",
    ),
    write(
        "interruption",
        "trainees:training_return",
        [REGIONAL],
        NATIONAL,
        lambda r: {"return_date": "2027-01-04"},
        interruption_pk="interruption_b.pk",
        **TRAINEE_B,
    ),
    # An interruption of trainee B's reached through trainee A2's address.
    write(
        "interruption",
        "trainees:training_return",
        [REGIONAL, NATIONAL],
        NATIONAL,
        lambda r: {"return_date": "2027-01-04"},
        pk="trainee_a2.pk",
        interruption_pk="interruption_b.pk",
        insider_url={"pk": "trainee_b.pk", "interruption_pk": "interruption_b.pk"},
    ),
    read("interruption", "api:list_interruptions", [REGIONAL, MENTOR], "mentor_b", **API_TRAINEE_B),
    read("interruption", "api:list_interruptions", [TRAINEE], "trainee_a2", trainee_id="trainee_a2.pk"),
    write(
        "interruption",
        "api:record_interruption",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: INTERRUPTION,
        **API_TRAINEE_B,
    ),
    write(
        "interruption",
        "api:return_to_training",
        [REGIONAL],
        NATIONAL,
        lambda r: {"return_date": "2027-01-04"},
        interruption_id="interruption_b.pk",
        **API_TRAINEE_B,
    ),
    write("LTFT change", "trainees:ltft_change_add", [REGIONAL], NATIONAL, lambda r: LTFT_FORM, **TRAINEE_B),
    read("LTFT change", "api:list_ltft_changes", [REGIONAL, MENTOR], "mentor_b", **API_TRAINEE_B),
    write(
        "LTFT change",
        "api:record_ltft_change",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: LTFT_JSON,
        **API_TRAINEE_B,
    ),
    write("CCT estimate", "trainees:cct_recalculate", [REGIONAL], NATIONAL, **TRAINEE_B),
    read("CCT estimate", "api:get_cct_estimate", [REGIONAL, MENTOR], "mentor_b", **API_TRAINEE_B),
    read("CCT estimate", "api:get_cct_estimate", [TRAINEE], "trainee_a2", trainee_id="trainee_a2.pk"),
    read("attendance", "teaching:trainee_attendance", [REGIONAL], NATIONAL, trainee_id="trainee_b.pk"),
    read("attendance", "teaching:trainee_attendance", [TPD], REGIONAL, trainee_id="trainee_a3.pk"),
    read(
        "release notice", "teaching:trainee_release_notice", [REGIONAL], NATIONAL, trainee_id="trainee_b.pk"
    ),
    write(
        "release notice",
        "teaching:trainee_release_notice",
        [REGIONAL],
        NATIONAL,
        lambda r: {"supervisor_name": "Dr Example", "supervisor_email": "supervisor@example.org"},
        trainee_id="trainee_b.pk",
    ),
    read("exposure report", "api:get_trainee_exposure", [REGIONAL, TPD], NATIONAL, **API_TRAINEE_B),
    # Subject access exports of a trainee's data.
    *[
        read("subject access export", route, outsiders, insider, pk=trainee)
        for route in ("privacy:trainee_export", "privacy:trainee_export_json")
        for outsiders, insider, trainee in (
            ([REGIONAL, TPD], NATIONAL, "trainee_b.pk"),
            ([TPD], REGIONAL, "trainee_a3.pk"),
        )
    ],
    # Preference windows and allocation runs: region B's, and scheme A2's for scheme A's administrator.
    *[
        read("window", route, outsiders, insider, pk=window)
        for route in (
            "preferencing:window_detail",
            "preferencing:run_compare",
            "preferencing:run_compare_chart",
        )
        for outsiders, insider, window in (
            ([REGIONAL, TPD], NATIONAL, "window_b.pk"),
            ([TPD], REGIONAL, "window_a2.pk"),
        )
    ],
    *[
        write("window", route, [REGIONAL, TPD], NATIONAL, body, pk="window_b.pk")
        for route, body in (
            ("preferencing:window_close", None),
            ("preferencing:window_remind", None),
            ("preferencing:run_create", lambda r: {"mechanism": "serial-dictatorship"}),
            ("preferencing:refill", None),
            ("preferencing:reallocate", lambda r: {"reason": "A trainee left."}),
        )
    ],
    write(
        "window",
        "preferencing:run_create",
        [TPD],
        REGIONAL,
        lambda r: {"mechanism": "serial-dictatorship"},
        pk="window_a2.pk",
    ),
    read(
        "window",
        "preferencing:window_export",
        [REGIONAL, TPD],
        NATIONAL,
        pk="window_b.pk",
        what="'offers'",
        fmt="'csv'",
    ),
    # The chase list of who has not submitted, downloaded from the home page.
    read("window", "home:window_chase_csv", [REGIONAL, TPD], NATIONAL, pk="window_b.pk"),
    read("window", "home:window_chase_csv", [TPD], REGIONAL, pk="window_a2.pk"),
    write(
        "membership",
        "preferencing:membership_interrupt",
        [REGIONAL],
        NATIONAL,
        lambda r: {**INTERRUPTION, "confirm": "yes"},
        pk="window_b.pk",
        membership_pk="membership_b.pk",
    ),
    # Trainee B's membership reached through scheme A's window.
    write(
        "membership",
        "preferencing:membership_interrupt",
        [REGIONAL, NATIONAL],
        NATIONAL,
        lambda r: {**INTERRUPTION, "confirm": "yes"},
        pk="window_a.pk",
        membership_pk="membership_b.pk",
        insider_url={"pk": "window_b.pk", "membership_pk": "membership_b.pk"},
    ),
    read("window", "api:list_runs", [REGIONAL, TPD], NATIONAL, window_id="window_b.pk"),
    write(
        "allocation run",
        "api:create_run",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: {"mechanism": "serial-dictatorship"},
        window_id="window_b.pk",
    ),
    read("allocation run", "preferencing:run_detail", [REGIONAL, TPD], NATIONAL, pk="run_b.pk"),
    write(
        "allocation run",
        "preferencing:run_detail",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: {"respond_by": NEXT_WEEK},
        pk="run_b.pk",
    ),
    read("allocation run", "api:get_run", [REGIONAL, TPD], NATIONAL, run_id="run_b.pk"),
    write(
        "allocation run",
        "api:publish_run",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: {"respond_by": (timezone.now() + datetime.timedelta(days=7)).isoformat()},
        run_id="run_b.pk",
    ),
    # A trainee's own preference list and offers.
    read("preference list", "preferencing:rank", [TRAINEE], "trainee_b", pk="window_b.pk"),
    write(
        "preference list",
        "preferencing:rank",
        [TRAINEE],
        "trainee_b",
        lambda r: {"action": "save", "ranked": [r.world.rotation_b.code]},
        pk="window_b.pk",
    ),
    read("preference list", "api:get_my_preferences", [TRAINEE], "trainee_b", window_id="window_b.pk"),
    write(
        "preference list",
        "api:put_my_preferences",
        [TRAINEE],
        "trainee_b",
        lambda r: {"rotations": [r.world.rotation_b.code]},
        method="put",
        window_id="window_b.pk",
    ),
    read("offer", "preferencing:offer_detail", [TRAINEE], "trainee_a2", pk="offer_a2.pk"),
    write(
        "offer",
        "preferencing:offer_respond",
        [TRAINEE],
        "trainee_a2",
        lambda r: {"decision": "accept"},
        pk="offer_a2.pk",
    ),
    write(
        "offer",
        "api:respond_to_offer",
        [TRAINEE],
        "trainee_a2",
        lambda r: {"accept": True},
        offer_id="offer_a2.pk",
    ),
    # Teaching sessions: region B's session and draft.
    read(
        "teaching session",
        "teaching:session_detail",
        [TRAINEE, REGIONAL, TPD, EDUCATOR],
        "trainee_b",
        pk="session_b.pk",
    ),
    read(
        "teaching session",
        "api:get_teaching_session",
        [TRAINEE, REGIONAL, TPD, EDUCATOR],
        "trainee_b",
        session_id="session_b.pk",
    ),
    read("teaching session", "teaching:session_edit", [REGIONAL], NATIONAL, pk="session_b.pk"),
    write(
        "teaching session",
        "teaching:session_edit",
        [REGIONAL],
        NATIONAL,
        lambda r: {
            "title": "Changed",
            "topic": "Topic",
            "date": TOMORROW,
            "start_time": "10:00",
            "end_time": "11:00",
        },
        pk="session_b.pk",
    ),
    write("teaching session", "teaching:session_publish", [REGIONAL], NATIONAL, pk="draft_b.pk"),
    write(
        "teaching session",
        "teaching:session_cancel",
        [REGIONAL],
        NATIONAL,
        lambda r: {"reason": "Snow."},
        pk="session_b.pk",
    ),
    read("timetable plan", "teaching:plan_region", [REGIONAL], NATIONAL, region_code="world.region_b.code"),
    read("register", "teaching:register", [EDUCATOR, TPD], NATIONAL, pk="session_b.pk"),
    write(
        "attendance",
        "teaching:register",
        [EDUCATOR, TPD],
        NATIONAL,
        lambda r: {f"trainee_{r.trainee_b.pk}": "absent"},
        pk="session_b.pk",
    ),
    write(
        "attendance",
        "teaching:check_in",
        [TRAINEE],
        "trainee_b",
        lambda r: {"code": r.session_b.check_in_code},
        pk="session_b.pk",
    ),
    write(
        "attendance",
        "api:teaching_check_in",
        [TRAINEE],
        "trainee_b",
        lambda r: {"code": r.session_b.check_in_code},
        session_id="session_b.pk",
    ),
    read("reflection", "teaching:reflection", [TRAINEE], "trainee_b", pk="session_b.pk"),
    write(
        "reflection",
        "teaching:reflection",
        [TRAINEE],
        "trainee_b",
        lambda r: {"text": "I learnt."},
        pk="session_b.pk",
    ),
    read("feedback", "teaching:feedback", [TRAINEE], "trainee_b", pk="session_b.pk"),
    write(
        "feedback", "teaching:feedback", [TRAINEE], "trainee_b", lambda r: {"rating": 5}, pk="session_b.pk"
    ),
    # Communities of practice: region B's group, led by mentor B; trainee A2's note in trainee A's group.
    *[
        read("community group", route, [TRAINEE, MENTOR], "mentor_b", pk="group_b.pk")
        for route in ("community:group_detail", "community:group_calendar")
    ],
    read(
        "community group",
        "api:get_community",
        [TRAINEE, MENTOR, REGIONAL, TPD],
        "trainee_b",
        group_id="group_b.pk",
    ),
    write(
        "group note",
        "community:group_note_add",
        [TRAINEE, MENTOR],
        "trainee_b",
        lambda r: {"text": "Hello."},
        pk="group_b.pk",
    ),
    write(
        "group note",
        "community:group_note_delete",
        [TRAINEE],
        "trainee_a2",
        pk="group_a.pk",
        note_pk="note_a2.pk",
    ),
    write(
        "group note",
        "community:group_note_delete",
        [TRAINEE, MENTOR],
        "trainee_b",
        pk="group_b.pk",
        note_pk="note_b.pk",
    ),
    write(
        "group meeting",
        "community:group_meeting_add",
        [MENTOR],
        "mentor_b",
        lambda r: MEETING,
        pk="group_b.pk",
    ),
    read("community group", "community:manage_group", [REGIONAL, TPD], NATIONAL, pk="group_b.pk"),
    *[
        write("community group", route, [REGIONAL, TPD], NATIONAL, body, pk="group_b.pk")
        for route, body in (
            ("community:manage_group_place", lambda r: {"trainee": r.world.trainee_a.pk}),
            ("community:manage_group_lead", lambda r: {"mentor": ""}),
            ("community:manage_group_meeting", lambda r: MEETING),
        )
    ],
    write(
        "community group",
        "community:manage_group_remove",
        [REGIONAL, TPD],
        NATIONAL,
        pk="group_b.pk",
        trainee_pk="trainee_b.pk",
    ),
    # Trainee B reached through a group in scope.
    write(
        "community group",
        "community:manage_group_remove",
        [REGIONAL],
        NATIONAL,
        pk="group_a.pk",
        trainee_pk="trainee_b.pk",
    ),
    # Mentors: another region's assignment; a mentor other than one's own.
    write("mentor assignment", "community:assignment_end", [REGIONAL, TPD], NATIONAL, pk="assignment_b.pk"),
    write(
        "mentor assignment",
        "api:end_mentor_assignment",
        [REGIONAL, TPD],
        NATIONAL,
        assignment_id="assignment_b.pk",
    ),
    write(
        "mentor assignment",
        "api:create_mentor_assignment",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: {"mentor": r.mentor_b.pk, "trainee": r.trainee_a2.pk},
    ),
    write(
        "mentor assignment",
        "api:create_mentor_assignment",
        [REGIONAL, TPD],
        NATIONAL,
        lambda r: {"mentor": r.mentor_a.pk, "trainee": r.trainee_b.pk},
    ),
    # Opportunities and the interest expressed in them.
    read(
        "expression of interest",
        "community:opportunity_interest",
        [REGIONAL, TPD],
        NATIONAL,
        pk="opportunity_b.pk",
    ),
    read(
        "expression of interest",
        "api:list_interest",
        [REGIONAL, TPD],
        NATIONAL,
        opportunity_id="opportunity_b.pk",
    ),
    # The public site's content: region B's, for region A's lead.
    *[
        case
        for kind, attribute in (("page", "page_b"), ("news", "news_b"), ("testimonial", "testimonial_b"))
        for case in (
            read(f"content: {kind}", f"content:{kind}_manage", [REGIONAL], NATIONAL, pk=f"{attribute}.pk"),
            read(f"content: {kind}", f"content:{kind}_edit", [REGIONAL], NATIONAL, pk=f"{attribute}.pk"),
            write(
                f"content: {kind}",
                f"content:{kind}_edit",
                [REGIONAL],
                NATIONAL,
                lambda r: {"title": "Mine now"},
                pk=f"{attribute}.pk",
            ),
            write(f"content: {kind}", f"content:{kind}_publish", [REGIONAL], NATIONAL, pk=f"{attribute}.pk"),
        )
    ],
    write(
        "content: page",
        "api:update_page",
        [REGIONAL],
        NATIONAL,
        lambda r: {"title": "Mine now"},
        method="patch",
        slug="page_b.slug",
    ),
    write(
        "content: news",
        "api:update_news",
        [REGIONAL],
        NATIONAL,
        lambda r: {"title": "Mine now"},
        method="patch",
        slug="news_b.slug",
    ),
    write(
        "content: testimonial",
        "api:update_testimonial",
        [REGIONAL],
        NATIONAL,
        lambda r: {"quote": "Mine now"},
        method="patch",
        testimonial_id="testimonial_b.pk",
    ),
    # Someone else's API token.
    write(
        "API token",
        "accounts:api_token_revoke",
        [REGIONAL, EDUCATOR, MENTOR],
        NATIONAL,
        pk="token_of_national.pk",
    ),
]


def attempts(case: Case):
    """Each outsider, through the session; staff through a bearer token too on the API."""
    for who in case.outsiders:
        yield who, "session"
        if case.api and who in STAFF:
            yield who, "token"


def case_id(case: Case) -> str:
    return f"{case.kind}-{case.method.upper()}-{case.route}-{'-'.join(case.url.values())}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_record_out_of_scope_is_not_found_and_left_alone(case, records, client):
    url = case.address(records)
    body = case.body(records) if case.body else None
    tries = [(who, via, bearer(records, who) if via == "token" else None) for who, via in attempts(case)]
    wrong, before = [], database_state()  # tokens are made first: making one is a change
    for who, via, _ in tries:
        headers = sign_in(client, records, who, via)
        response = send(client, case.method, url, body=body, api=case.api, headers=headers)
        after = database_state()
        if response.status_code != 404 or after != before:
            changed = changed_tables(before, after) or "nothing"
            wrong.append(f"{who} ({via}): {response.status_code}, changed {changed}")
        before = after
    assert wrong == [], f"{case.method.upper()} {url} should be 404 and change nothing for: {wrong}"
    own_url = case.address(records, case.insider_url) if case.insider_url else url
    headers = sign_in(client, records, case.insider)
    response = send(client, case.method, own_url, body=body, api=case.api, headers=headers)
    assert reached(case, response), (
        f"{case.insider} should reach {own_url} but got {response.status_code}: the case does not test scope"
    )


def reached(case: Case, response) -> bool:
    """Read: shown. Write: done or refused on its merits (not for want of permission or sign-in)."""
    if case.method == "get":
        return response.status_code == 200
    if response.status_code == 302:
        return not response["Location"].startswith("/accounts/")
    return response.status_code not in {401, 403, 404, 405} and response.status_code < 500


def test_every_kind_of_record_is_covered():
    """The kinds the issue names, so that none is dropped from the list above unnoticed."""
    kinds = {case.kind for case in CASES}
    named = {
        "rotation", "practice", "trainee", "preference list", "offer", "allocation run", "window",
        "teaching session", "attendance", "reflection", "community group", "group note", "mentor assignment",
        "expression of interest", "interruption", "LTFT change", "content: page", "API token",
        "subject access export",
    }  # fmt: skip
    assert named <= kinds, sorted(named - kinds)


def _is(attribute: str, key: str = "id"):
    """Matches a list item that is the record at `attribute` (looked up on the records)."""
    return lambda r, item: item.get(key) == operator.attrgetter(attribute)(r).pk


# (list, outsider, insider, the item the outsider must not see)
LISTS = [
    ("api:list_trainees", REGIONAL, NATIONAL, _is("trainee_b")),
    ("api:list_trainees", TPD, REGIONAL, _is("trainee_a3")),
    ("api:list_trainees", MENTOR, "mentor_b", _is("trainee_b")),
    ("api:list_trainee_exposure", REGIONAL, NATIONAL, _is("trainee_b", "trainee_id")),
    # Asking for another region by name does not widen the scope.
    ("api:list_trainee_exposure?region=region-b", REGIONAL, NATIONAL, _is("trainee_b", "trainee_id")),
    ("api:list_trainees?scheme=scheme-b", REGIONAL, NATIONAL, _is("trainee_b")),
    ("api:list_teaching_sessions?region=region-b", TRAINEE, "trainee_b", _is("session_b")),
    ("api:list_windows", REGIONAL, NATIONAL, _is("window_b")),
    ("api:list_windows", TPD, REGIONAL, _is("window_a2")),
    ("api:list_windows", TRAINEE, "trainee_b", _is("window_b")),
    ("api:list_my_offers", TRAINEE, "trainee_a2", _is("offer_a2")),
    ("api:list_teaching_sessions", TRAINEE, "trainee_b", _is("session_b")),
    ("api:list_teaching_sessions", EDUCATOR, NATIONAL, _is("session_b")),
    ("api:list_teaching_attendance", REGIONAL, NATIONAL, _is("trainee_b", "trainee")),
    ("api:list_teaching_attendance?session={session_b.pk}", REGIONAL, NATIONAL, _is("trainee_b", "trainee")),
    ("api:list_communities", REGIONAL, NATIONAL, _is("group_b")),
    ("api:list_communities", TRAINEE, "trainee_b", _is("group_b")),
    ("api:list_communities", MENTOR, "mentor_b", _is("group_b")),
    ("api:list_mentors", REGIONAL, NATIONAL, _is("mentor_b")),
    ("api:list_mentor_assignments", REGIONAL, NATIONAL, _is("assignment_b")),
    ("api:list_mentor_assignments", MENTOR, "mentor_b", _is("assignment_b")),
    ("api:list_opportunities", REGIONAL, NATIONAL, _is("opportunity_b")),
]


def _items(response) -> list[dict]:
    data = response.json()
    return data["items"] if isinstance(data, dict) else data


@pytest.mark.parametrize("route,outsider,insider,match", LISTS, ids=lambda v: v if isinstance(v, str) else "")
def test_a_list_leaves_out_the_records_out_of_scope(route, outsider, insider, match, records, client):
    name, _, query = route.partition("?")
    url = reverse(name) + ("?" + query.format(**vars(records)) if query else "")
    seen = {}
    for who in (outsider, insider):
        for via in ("session", "token") if who in STAFF else ("session",):
            headers = sign_in(client, records, who, via)
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (who, via, response.status_code)
            seen[who, via] = any(match(records, item) for item in _items(response))
    assert not any(found for (who, _), found in seen.items() if who == outsider), seen
    assert all(found for (who, _), found in seen.items() if who == insider), f"{insider} sees it: {seen}"


def test_a_trainee_sees_only_their_own_preferences_and_reflections(records, client):
    """Preference lists and reflections are reached through the signed-in trainee, never by id: trainee A,
    in the same window and session as trainee A2, sees none of A2's."""
    r = records
    sign_in(client, r, "trainee_a2")
    url = reverse("api:put_my_preferences", kwargs={"window_id": r.window_a.pk})
    assert (
        send(client, "put", url, body={"rotations": [r.world.rotation_a.code]}, api=True).status_code == 200
    )
    reflection = reverse("teaching:reflection", kwargs={"pk": r.national_session.pk})
    assert client.post(reflection, {"text": "A2's private thoughts."}).status_code == 302
    sign_in(client, r, "trainee")
    mine = client.get(reverse("api:get_my_preferences", kwargs={"window_id": r.window_a.pk})).json()
    assert (mine["rotations"], mine["status"]) == ([], "none")
    page = client.get(reflection)
    assert page.status_code == 200
    assert "private thoughts" not in page.content.decode()
