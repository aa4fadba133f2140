"""Demo content for the public site: pages, news and testimonials, in plain English.

Every testimonial is invented and says so in its attribution. News dates are set around the day the demo is
loaded, so that some news shows, one item has ended and one is scheduled; loading twice on the same day
changes nothing (rows are matched by slug, or by region and attribution).
"""

import datetime

from django.utils import timezone
from faker import Faker

from heft.content.models import NewsItem, Page, Testimonial
from heft.demo.world import DemoWorld, sync_rows

NATIONAL = None

# slug: (region code or None, title, summary, Markdown body)
PAGES = {
    "contact": (
        NATIONAL,
        "Contact the HEFT team",
        "Who to ask about Health Equity Focussed Training, and how to reach them.",
        """
For general questions about HEFT, email the national team at
[heft-team@heft.invalid](mailto:heft-team@heft.invalid). We answer within five working days.

## If you are applying

Questions about GP specialty training recruitment go to the national GP recruitment office. Questions about
the HEFT rotations in a scheme go to that region's HEFT team: their details are on each region's page.

## If you are a trainee

Your training programme director and your HEFT mentor are usually the quickest people to ask. For problems
with HEFT Hub itself, email [heft-hub-support@heft.invalid](mailto:heft-hub-support@heft.invalid).
""",
    ),
    "applying-for-heft": (
        NATIONAL,
        "Applying for a HEFT rotation",
        "How HEFT rotations are offered to GP trainees, and what you can do to prepare.",
        """
You do not apply to HEFT separately. You apply for GP specialty training through national recruitment and
choose a region. Once you have a place on a scheme, you can rank the rotations on offer, HEFT and others,
in HEFT Hub.

## How places are given

1. Your scheme publishes its rotations for your intake. HEFT rotations are marked.
2. You rank the rotations you would like, in order, before the closing date.
3. The programme team allocates rotations fairly, using everyone's rankings.
4. You are offered a rotation and have a set time to accept or decline it.

## Before you rank

- Read about each HEFT rotation's innovative post and practices on your scheme's page.
- Think about travel: posts can be far apart.
- Talk to current HEFT trainees: your regional team can put you in touch.

Nothing is guaranteed: rotations can change with availability, and there may be more applicants than
places.
""",
    ),
    "for-gp-trainers": (
        NATIONAL,
        "For GP trainers and practices",
        "What HEFT means for the practices that host trainees, and how to take part.",
        """
HEFT trainees spend their GP placements in practices that serve highly deprived communities. If your
practice is one of these and you would like to host a HEFT trainee, talk to your regional HEFT team.

## What we ask of host practices

- Release the trainee for national teaching on Thursday afternoons and for regional sessions.
- Give them time for their community of practice and their project.
- Support them to work with local services, such as drug and alcohol teams or homelessness services.

## What you get

Trainers are invited to the annual conference and to the trainers' community of practice.
""",
    ),
    "heft-in-the-south-west": (
        "south-west",
        "What HEFT offers in the South West",
        "Regional teaching, communities of practice and mentors for HEFT trainees in the Severn and "
        "Peninsula schools.",
        """
HEFT in the South West is run jointly by the Severn and Peninsula GP schools.

## Regional sessions

Sessions are online about every two months, on Fridays from 14:00 to 16:00. Recent topics include
trauma-informed care, health for people in prison and working with interpreters.

## Communities of practice

Groups of six to eight trainees meet every month, online or in person in Bristol, Exeter and Plymouth.

## Mentors

Every HEFT trainee is offered a near-peer mentor: a deprivation fellow or a recently qualified GP.
""",
    ),
    "heft-in-the-east-of-england": (
        "east-of-england",
        "What HEFT offers in the East of England",
        "Regional teaching, mentors and communities of practice for HEFT trainees from Norwich to Luton.",
        """
HEFT in the East of England covers schemes from Norwich to Luton and Bedford.

## Regional sessions

Sessions are online about every two months, from 14:00 to 16:00, alongside the national teaching.

## Mentors and communities of practice

HEFT trainees are matched with a mentor (a deprivation fellow, a trailblazer fellow or a primary care
network health-inequalities lead) and join a community of practice near where they work.
""",
    ),
}

# slug: (region code or None, title, summary, body, publish day, show from day, show until day), days from
# the day the demo is loaded.
NEWS = {
    "annual-conference-save-the-date": (
        NATIONAL,
        "Annual HEFT conference: save the date",
        "This year's conference is in Birmingham. All HEFT trainees, trainers and mentors are invited.",
        "The conference brings every region together for a day of talks, workshops and trainee projects.\n\n"
        "Trainees are released from work to attend. Details of how to book will follow.",
        -10, -10, 90,
    ),
    "rankings-open-for-august-intake": (
        NATIONAL,
        "Ranking opens for the next August intake",
        "Trainees starting in August can now rank their scheme's rotations in HEFT Hub.",
        "Sign in to HEFT Hub to see the rotations on offer in your scheme and rank them in order.\n\n"
        "Read [how HEFT rotations are offered](/pages/applying-for-heft/) before you start.",
        -3, -3, 45,
    ),
    "new-inclusion-health-posts-plymouth": (
        "south-west",
        "New inclusion health posts in Plymouth",
        "Two new six-month posts with a street outreach service join the Plymouth rotations.",
        "From the next intake, two Plymouth rotations include six months with a street outreach service "
        "working with people who are homeless.",
        -20, -20, 40,
    ),
    "regional-session-working-with-interpreters": (
        "east-of-england",
        "Regional session: working with interpreters",
        "The next East of England session looks at consultations with an interpreter.",
        "The session is online, from 14:00 to 16:00. Your practice has been told so that you can attend.",
        -5, -5, 25,
    ),
    "last-years-preference-window-closed": (
        NATIONAL,
        "Last year's ranking has closed",
        "Rankings for last year's intake are closed and offers have been made.",
        "This news has ended: it shows only to editors, to show how news outside its dates is hidden.",
        -120, -120, -30,
    ),
    "rotations-for-next-year-published": (
        NATIONAL,
        "Rotations for next year are published",
        "Schemes have published their rotations for next year's intake.",
        "This news is scheduled: it appears on the site on its first show date.",
        30, 30, 120,
    ),
}  # fmt: skip

# (region code, attribution, quote). Invented people: each attribution says so.
TESTIMONIALS = (
    (
        "south-west",
        "Dr A. Example (fictional), ST2, Bristol",
        "My six months with the substance misuse service changed how I consult. I understand what my "
        "patients are up against, and I know who to call.",
    ),
    (
        "south-west",
        "Dr B. Sample (fictional), ST3, Plymouth",
        "The community of practice kept me going. Having people who get why you chose this work makes the "
        "hard weeks easier.",
    ),
    (
        "south-west",
        "Dr C. Demo (fictional), GP trainer, Exeter",
        "Our HEFT trainee brought ideas from the prison healthcare team back to the practice. We have "
        "changed how we follow up people after release.",
    ),
    (
        "east-of-england",
        "Dr D. Example (fictional), ST1, Norwich",
        "I was nervous about the innovative post, but the public health team made me part of the group "
        "from the first day.",
    ),
    (
        "east-of-england",
        "Dr E. Sample (fictional), ST3, Luton & Bedford",
        "The national teaching on Thursday afternoons gave me words for things I saw every day in practice.",
    ),
)


def _region_id(world: DemoWorld, code: str | None) -> int | None:
    return world.regions[code].pk if code else None


def build_content(fake: Faker, world: DemoWorld) -> None:
    today = timezone.localdate()
    sync_rows(
        Page,
        ("slug",),
        [
            {
                "slug": slug,
                "region_id": _region_id(world, region),
                "title": title,
                "summary": summary,
                "body": body.strip(),
                "is_published": True,
            }
            for slug, (region, title, summary, body) in PAGES.items()
        ],
    )
    sync_rows(
        NewsItem,
        ("slug",),
        [
            {
                "slug": slug,
                "region_id": _region_id(world, region),
                "title": title,
                "summary": summary,
                "body": body,
                "publish_date": today + datetime.timedelta(days=published),
                "show_from": today + datetime.timedelta(days=start),
                "show_until": today + datetime.timedelta(days=end),
                "is_published": True,
            }
            for slug, (region, title, summary, body, published, start, end) in NEWS.items()
        ],
    )
    sync_rows(
        Testimonial,
        ("region_id", "attribution"),
        [
            {
                "region_id": _region_id(world, region),
                "attribution": attribution,
                "quote": quote,
                "is_published": True,
            }
            for region, attribution, quote in TESTIMONIALS
        ],
    )


STEPS = [("Public site content: pages, news and testimonials", build_content)]
MODELS = (Page, NewsItem, Testimonial)
