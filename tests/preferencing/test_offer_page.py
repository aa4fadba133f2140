"""The trainee's offer page: the rotation as a link, and a note that suits an offer rather than the ranking
page's "Before you rank" caveats."""

import re

from django.urls import reverse

from heft.preferencing import services
from heft.preferencing.models import Offer
from tests.pages import page_text
from tests.preferencing.test_services import SOON, ranked_everyone


def test_the_offer_page_links_the_rotation_and_has_no_ranking_caveats(allocation, client):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    trainee = allocation.trainees[0]
    offer = Offer.objects.get(trainee=trainee)
    client.force_login(trainee.user)

    page = page_text(client.get(reverse("preferencing:offer_detail", args=[offer.pk])))

    href = reverse("programmes:rotation_detail", args=[offer.rotation.code])
    link = f'<a href="{href}">{offer.rotation.name}</a>'
    rotation_row = re.search(r"Rotation\s*</dt>(.*?)</dd>", page, re.S).group(1)
    assert link in rotation_row
    assert "&lt;a" not in page
    assert "Before you rank" not in page
    assert "the specific HEFT rotation you may get" not in page
    assert "A rotation can still change if one of its posts stops being available" in page
