"""What the trainee record shows, worked out without a database: stand-ins carry only what each presenter
reads."""

import datetime
from decimal import Decimal
from types import SimpleNamespace as NS

from heft.home import presenters as p

D = datetime.date


def membership(**fields):
    scheme = NS(name="Scheme A", region=NS(name="Region A"))
    values = {
        "scheme": scheme, "intake": "2026-08", "status": "in_training", "extension_months": 0,
        "returning_to_intake": "", "cct_date": None, "cct_estimate": D(2029, 8, 4),
        "get_heft_mode_display": lambda: "Full HEFT", "get_status_display": lambda: "In training",
    }  # fmt: skip
    return NS(**(values | fields))


def journey(**fields):
    values = {
        "membership": membership(), "estimate": NS(cct=D(2029, 8, 4)), "open_interruption": None,
        "training_year": "ST1", "months_done": "3.0", "months_to_go": "33.0", "interruptions": [],
        "stored_estimate_differs": False, "trainee": NS(forenames="Ada"), "planned_from": None,
    }  # fmt: skip
    return NS(**(values | fields))


def interruption(**fields):
    values = {"pk": 7, "heft_place_decision": "", "heft_place_decided_at": None, "start_date": D(2027, 1, 4)}
    values |= {
        "end_date": None,
        "counts_towards_training": False,
        "get_kind_display": lambda: "Parental leave",
    }
    return NS(**(values | fields))


def ltft(status="applied", wte=Decimal("0.8"), standard=True, short=False, **fields):
    change = {
        "pk": 3, "status": status, "wte": wte, "start_date": D(2027, 2, 1), "requested_on": D(2026, 11, 2),
        "reason": "", "approved_at": None, "get_reason_display": lambda: "Caring",
    }  # fmt: skip
    change = NS(**(change | fields))
    return NS(change=change, standard=standard, notice=NS(short=short, text="13 weeks' notice"))


def values(rows) -> dict:
    return {row["key"]["text"]: row["value"].get("text", row["value"].get("html")) for row in rows}


def test_dates_and_percentages_read_as_people_write_them():
    assert p.day(D(2029, 8, 4)) == "4 August 2029"
    assert p.short(D(2029, 8, 4)) == "4 Aug 2029"
    assert p.pct(Decimal("0.8")) == "80%"
    assert p.plural(1, "month") == "1 month"
    assert p.plural(3, "month") == "3 months"


def test_the_voice_follows_who_reads():
    assert p.Voice(own=True).possessive == "Your"
    assert p.Voice(own=False).subject == "They"


def test_sign_in_of_someone_with_a_password_offers_nothing_to_send():
    state = {"signs_in": True, "user": NS(last_login=None), "invitation": None, "now": None}
    assert p.sign_in(state).button == ""


def test_sign_in_without_an_invitation_offers_one():
    shown = p.sign_in({"signs_in": False, "user": None, "invitation": None, "now": None})
    assert shown.text == "They have not been invited to set a password yet."
    assert shown.button == "Send an invitation"


def test_a_sent_invitation_counts_its_sendings_and_is_sent_again():
    sent = datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)
    invitation = NS(status=lambda now: "sent", sent_at=sent, expires_at=sent, times_sent=2)
    shown = p.sign_in({"signs_in": False, "user": None, "invitation": invitation, "now": sent})
    assert "(2 times)" in shown.text
    assert shown.button == "Send the invitation again"


def test_where_rows_show_progress_while_in_training():
    rows = values(p.where_rows(journey(), own=True))
    assert rows["Scheme and intake"] == "Scheme A, Region A, 2026-08 intake"
    assert rows["Training done"] == "3.0 of 36 months (whole-time equivalent); 33.0 to go"
    assert str(rows["Estimated CCT date"]) == "<strong>4 August 2029</strong> (an estimate)"
    assert "Date of CCT" not in rows


def test_where_rows_show_the_date_of_cct_once_completed():
    rows = values(p.where_rows(journey(membership=membership(status="completed")), own=False))
    assert str(rows["Date of CCT"]) == "<strong>4 August 2029</strong>"
    assert "Training done" not in rows


def test_where_rows_count_an_extension_and_name_the_returning_intake():
    m = membership(extension_months=1, returning_to_intake="2027-08")
    rows = values(p.where_rows(journey(membership=m), own=False))
    assert rows["Extension"] == "1 month added to training"
    assert rows["Returning with"] == "the 2027-08 intake: they join its preference window"
    assert rows["Training done"].startswith("3.0 of 37 months")


def test_an_open_time_out_makes_the_estimate_the_earliest():
    rows = values(p.where_rows(journey(open_interruption=interruption()), own=True))
    assert "at the earliest" in str(rows["Estimated CCT date"])


def test_the_saved_estimate_is_offered_again_only_to_staff_when_it_differs():
    assert p.recalculate_text(journey(stored_estimate_differs=True), manage=False) == ""
    shown = p.recalculate_text(journey(stored_estimate_differs=True), manage=True)
    assert shown == "The saved estimate is 4 August 2029."


def test_a_placement_notes_a_share_of_full_time():
    entry = NS(start=D(2026, 8, 5), end=D(2027, 2, 4), wte=Decimal("0.6"), continued="after time out")
    shown = p.timeline(journey(years=[("ST1", [entry])]))[0][1][0]
    assert shown.dates == "5 Aug 2026 to 4 Feb 2027"
    assert shown.note == "The same post, after time out. 60% of full time in this post."


def test_a_full_time_placement_has_no_note():
    entry = NS(start=D(2026, 8, 5), end=D(2027, 2, 4), wte=Decimal(1), continued="")
    assert p.timeline(journey(years=[("ST1", [entry])]))[0][1][0].note == ""


def test_a_plan_says_whether_the_rotation_was_accepted():
    planned = NS(status="offered", rotation=NS(name="Riverside"))
    assert "rotation you were offered, Riverside;" in p.planned_text(journey(planned_from=planned), own=True)


def test_time_out_at_risk_links_staff_to_the_decision():
    risk = NS(interruption=interruption(), reasons=("It overlaps a HEFT post.",))
    row = p.time_out_rows([interruption()], [risk], own=False)[0]
    assert row.place == p.Tag("red", "At risk")
    assert row.decide is True
    assert row.end == "Not known yet"
    assert row.counts == "No: moves the CCT date"


def test_the_trainee_sees_a_place_at_risk_without_the_link():
    risk = NS(interruption=interruption(), reasons=())
    assert p.time_out_rows([interruption()], [risk], own=True)[0].decide is False


def test_a_decided_place_shows_the_decision_and_its_date():
    decided = interruption(heft_place_decision="released", heft_place_decided_at=D(2027, 1, 10))
    assert p.heft_place(decided, at_risk=True) == (p.Tag("orange", "Released"), "10 Jan 2027")


def test_a_place_not_at_risk_has_no_tag():
    assert p.heft_place(interruption(), at_risk=False) == (None, "")


def test_a_risk_without_an_end_says_so():
    risk = NS(interruption=interruption(), reasons=())
    assert p.at_risk([risk])[0].period == "Parental leave from 4 January 2027, with no end date yet"


def test_an_ltft_row_flags_an_unusual_pattern_and_short_notice():
    row = p.ltft_row(ltft(wte=Decimal("0.75"), standard=False, short=True))
    assert row.unusual == "75% is not one of the usual patterns (80, 70, 60 or 50%)."
    assert row.notice_tag == p.Tag("yellow", "Short notice")
    assert row.notice == "Asked for on 2 Nov 2026, 13 weeks' notice"


def test_an_approved_change_shows_when():
    row = p.ltft_row(ltft(status="approved", approved_at=D(2026, 12, 1)))
    assert row.status == p.Tag("green", "Approved")
    assert row.status_on == "1 Dec 2026"


def test_a_declined_change_is_tagged_red():
    assert p.ltft_row(ltft(status="declined")).status == p.Tag("red", "Declined")


def test_a_waiting_application_stops_the_trainee_applying_again():
    shown = p.actions(journey(), [ltft()], own=True, manage=False)
    assert shown.waiting.startswith("Your application to work 80% of full time from 1 February 2027")
    assert shown.apply is False


def test_the_trainee_applies_while_nothing_waits():
    assert p.actions(journey(), [ltft(status="approved")], own=True, manage=False).apply is True


def test_staff_record_a_return_from_the_open_time_out():
    running = interruption()
    shown = p.actions(journey(open_interruption=running, interruptions=[running]), [], own=False, manage=True)
    assert shown.returning_from is running
    assert shown.returning_intake is True


def test_completed_training_offers_no_more_forms():
    shown = p.actions(journey(membership=membership(status="completed")), [], own=False, manage=True)
    assert shown.ended == "Ada completed training on 4 August 2029 (CCT) and is a HEFT alumnus."
    assert shown.time_out is False


def test_an_extension_is_counted_beside_the_completion_forms():
    shown = p.actions(journey(membership=membership(extension_months=6)), [], own=False, manage=True)
    assert shown.extended == " Extended so far by 6 months."


def test_ltft_decisions_take_only_the_applications_with_a_form():
    shown = p.ltft_decisions([ltft(reason="caring")], {3: "form"})
    assert shown[0].title == "80% from 1 February 2027"
    assert shown[0].asked == "Asked for on 2 November 2026 (Caring), 13 weeks' notice"
    assert p.ltft_decisions([ltft()], {}) == []


def test_curriculum_tags_before_the_placements_cover_training():
    check = NS(gp_met=False, complete=False, final_year_met=None)
    assert p.curriculum_tags(check) == (p.Tag("grey", "Not yet"), p.Tag("grey", "Not known yet"))


def test_curriculum_tags_once_complete():
    check = NS(gp_met=False, complete=True, final_year_met=True)
    assert p.curriculum_tags(check) == (p.NOT_MET, p.MET)


def test_teaching_counts_one_session_in_the_singular():
    assert p.teaching_text({"attended": 1, "past": 1}, own=False) == (
        "They have attended 1 of the 1 HEFT teaching session so far."
    )


def test_mentors_are_listed_with_their_kind():
    mentor = NS(user=NS(get_full_name=lambda: "Sam Lee"), get_kind_display=lambda: "Deprivation fellow")
    shown = p.community(NS(group=None, mentors=[NS(mentor=mentor)]))
    assert shown.mentors == "Mentor: Sam Lee (deprivation fellow)"
    assert shown.group is None


def test_no_mentor_is_said_plainly():
    assert p.community(NS(group=None, mentors=[])).mentors == "No mentor assigned yet."


def test_an_opportunity_names_the_interests_it_matches():
    assert p.opportunity_matches(NS(matches=["Deep End", "Homeless health"])) == (
        " (matches your interest in Deep End, Homeless health)"
    )
