"""What the community views share."""

GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def posted(request):
    """The form data of a POST, or None for a GET: one view shows the form and takes it back."""
    return request.POST if request.method == "POST" else None
