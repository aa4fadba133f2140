"""A trainee's own pages: checking in, reflections, feedback and their calendar feed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.forms import add_service_error
from heft.core.ratelimit import rate_limited
from heft.teaching import forms, selectors, services
from heft.teaching.views.common import GET_POST, feed_links, form_status, posted
from heft.trainees.selectors import own_record_or_404


@requires(Perm.ATTEND_SESSIONS)
@require_POST
@rate_limited("check_in")
def check_in(request, pk: int):
    session = selectors.session_for(request.user, pk)
    form = forms.CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_check_in(session=session, code=form.cleaned_data["code"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, "You are checked in. Thank you.")
    else:
        messages.error(request, "Enter the session code.")
    return redirect("teaching:session_detail", pk=session.pk)


def _trainee_session_page(request, pk: int, form_class, template: str, load, save):
    session, trainee = selectors.own_session_or_404(request.user, pk)
    form = form_class(posted(request), initial=load(session, trainee))
    if request.method == "POST" and form.is_valid():
        try:
            save(session, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Saved. Thank you.")
            return redirect("teaching:session_detail", pk=session.pk)
    context = {"session": session, "form": form, "started": session.start <= timezone.now()}
    return render(request, template, context, status=form_status(form))


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def reflection(request, pk: int):
    def load(session, trainee):
        text = selectors.own_reflection_text(session, trainee)
        return {"text": text} if text is not None else {}

    def save(session, data):
        services.reflection_save(session=session, text=data["text"], by=request.user)

    return _trainee_session_page(request, pk, forms.ReflectionForm, "teaching/reflection.jinja", load, save)


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def feedback(request, pk: int):
    def load(session, trainee):
        existing = selectors.own_feedback(session, trainee)
        fields = ("rating", "what_worked", "what_to_change")
        return {f: getattr(existing, f) for f in fields} if existing else {}

    def save(session, data):
        services.feedback_submit(session=session, by=request.user, **data)

    return _trainee_session_page(request, pk, forms.FeedbackForm, "teaching/feedback.jinja", load, save)


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def calendar(request):
    trainee = own_record_or_404(request.user)
    new_feed = None
    if request.method == "POST":
        raw = services.calendar_token_create(trainee=trainee, by=request.user)
        new_feed = feed_links(request, "teaching:feed_trainee", token=raw)
    context = {"token": selectors.live_calendar_token(trainee), "new_feed": new_feed}
    return render(request, "teaching/calendar.jinja", context)


@requires(Perm.ATTEND_SESSIONS)
@require_POST
def calendar_revoke(request):
    trainee = own_record_or_404(request.user)
    if services.calendar_token_revoke(trainee=trainee, by=request.user):
        messages.success(
            request, "Your calendar feed address no longer works. Make a new one to subscribe again."
        )
    return redirect("teaching:calendar")
