from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The page named by ?page=: the first for a bad or missing number, the last for one too big."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
