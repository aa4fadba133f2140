"""What the teaching views share."""

from django.urls import reverse

GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def int_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def posted(request):
    """The form data of a POST (even an empty one, so that it is validated), None for a GET."""
    return request.POST if request.method == "POST" else None


def form_status(*forms) -> int:
    """400 when a form on the page shows errors, else 200."""
    return 400 if any(form is not None and form.errors for form in forms) else 200


def feed_links(request, url_name: str, **kwargs) -> dict:
    href = request.build_absolute_uri(reverse(url_name, kwargs=kwargs or None))
    return {"https": href, "webcal": "webcal://" + href.split("://", 1)[1]}
