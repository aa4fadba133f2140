"""WCAG 2.2 AA checks that axe-core leaves to people, done with the page's own geometry and styles.

- Keyboard (2.1.1, 2.4.3, 2.4.7, 2.4.11): Tab through the page from the top; each element that takes focus
  must be visible, look different from how it looked unfocused (outline, box-shadow, colours, underline
  of it, its label or its parent), follow the previous one in the page's order and not be hidden behind
  other content such as a sticky header. Every element that can take focus must be reached (a radio group
  is one stop). On a page with a header, the skip link comes first and moves focus into the main content.
- Markup (1.3.1, 4.1.2): each id used once, every label and ARIA reference naming an element on the page,
  no markup shown as text (tests/markup_checks.py).
- Target size (2.5.8): every pointer target is at least 24 by 24 CSS pixels, or a 24 px circle centred on
  it touches no other target; links inside a sentence are exempt, as the criterion allows.

Each check returns a list of problems (empty when the page passes), so that one run can report every page.
"""

from tests.browser.conftest import WCAG_TAGS, axe_violations
from tests.markup_checks import markup_problems

TABBABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, iframe, [contenteditable], "
    "[tabindex]"
)
# What a pointer acts on. A scrolling table with tabindex takes focus but is no target for a click.
POINTER_TARGETS = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[role=button], [role=link], [role=checkbox], [role=radio], [role=switch], [role=tab], [role=menuitem]"
)
# Beyond this many stops a page is long lists of the same controls: the first ones show how all behave.
MAX_TABS = 60
# The skip link: the NHS.UK pages' and the Django admin's.
SKIP_LINKS = "a.nhsuk-skip-link, a.skip-to-content-link"
PHONE_TABS = 15  # the skip link, the header and its menu button, and the start of the page

_SETUP = """
(selector) => {
  const PROPS = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color',
    'color', 'border-top-color', 'border-bottom-color', 'border-bottom-width', 'text-decoration-line',
    'text-decoration-color', 'text-decoration-thickness'];
  const styleOf = (el, pseudo) => {
    const cs = getComputedStyle(el, pseudo);
    return PROPS.map((p) => cs.getPropertyValue(p)).join('|');
  };
  // A focus indicator may be drawn on the element, its pseudo-elements, its label (NHS radios and
  // checkboxes draw it on the label's ::before) or its parent.
  const look = (el) => {
    const parts = [[el, null], [el, '::before'], [el, '::after']];
    for (const label of el.labels || []) parts.push([label, null], [label, '::before'], [label, '::after']);
    if (el.parentElement) parts.push([el.parentElement, null]);
    return parts.map(([e, p]) => styleOf(e, p)).join('#');
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '')
      .trim().replace(/\\s+/g, ' ');
    const id = el.id ? '#' + el.id : '';
    const name = el.name ? `[name=${el.name}]` : '';
    return `<${el.tagName.toLowerCase()}${id}${name}> "${text.slice(0, 40)}"`;
  };
  const tabbables = () => [...document.querySelectorAll(selector)].filter((el) =>
    el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') &&
    el.checkVisibility({visibilityProperty: true}));
  const unfocused = new Map(tabbables().map((el) => [el, look(el)]));
  // Tabbing from focus already on the page (an error summary) reaches only what follows it.
  const start = document.activeElement === document.body ? null : document.activeElement;
  window.__heftKeyboard = {look, describe, tabbables, unfocused, start, visited: [], previous: start};
  return unfocused.size;
}
"""

_INSPECT_FOCUS = """
() => {
  const k = window.__heftKeyboard;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {done: true};
  // Date and time fields take several Tabs, one per part (day, month, year): the same element again.
  if (el === k.previous) return {done: false, again: true};
  if (k.visited.includes(el)) return {done: true};
  const problems = [];
  // Inputs drawn by their label (opacity 0) are seen through the label.
  const shown = getComputedStyle(el).opacity !== '0' ? el
    : [...(el.labels || [])].find((label) => label.getBoundingClientRect().width > 0);
  const box = shown && shown.getBoundingClientRect();
  const inView = box && box.width >= 1 && box.height >= 1 && box.bottom > 0 && box.right > 0 &&
    box.top < innerHeight && box.left < innerWidth;
  if (!inView) {
    problems.push('takes focus but cannot be seen');
  } else {
    // Focus not obscured (2.4.11): some part of it must be on top where it is drawn.
    const clamp = (value, top) => Math.min(Math.max(value, 0), top - 1);
    const xs = [box.left + 2, (box.left + box.right) / 2, box.right - 2].map((x) => clamp(x, innerWidth));
    const ys = [box.top + 2, (box.top + box.bottom) / 2, box.bottom - 2].map((y) => clamp(y, innerHeight));
    const onTop = xs.some((x) => ys.some((y) => {
      const hit = document.elementFromPoint(x, y);
      return hit && (hit === el || el.contains(hit) || shown.contains(hit));
    }));
    if (!onTop) problems.push('is hidden behind other content when focused');
  }
  const before = k.unfocused.get(el);
  if (before !== undefined && k.look(el) === before) problems.push('shows no focus indicator');
  if (k.previous && !(k.previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) {
    problems.push(`takes focus after ${k.describe(k.previous)} but comes before it on the page`);
  }
  k.visited.push(el);
  k.previous = el;
  return {done: false, what: k.describe(el), skipLink: el.matches('SKIP_LINKS'), problems};
}
""".replace("SKIP_LINKS", SKIP_LINKS)

_NOT_REACHED = """
() => {
  const k = window.__heftKeyboard;
  const reached = new Set(k.visited);
  const group = (el) => (el.form ? [...document.forms].indexOf(el.form) : -1) + '/' + el.name;
  const groups = new Set(k.visited.filter((el) => el.type === 'radio').map(group));
  const after = (el) => !k.start || (k.start.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  return k.tabbables()
    .filter((el) => after(el) && !reached.has(el) && !(el.type === 'radio' && groups.has(group(el))))
    .map(k.describe);
}
"""

_IN_MAIN = """
() => {
  const main = document.querySelector('main');
  const el = document.activeElement;
  return Boolean(main && el && (main.contains(el) ||
    (main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)));
}
"""


def check_keyboard(page, *, from_top: bool = True, max_tabs: int = MAX_TABS) -> list[str]:
    """Tab through the page (from the top, or from where focus is now) and check each stop, up to
    `max_tabs` of them; then the skip link. The page must not have been tabbed through since it loaded."""
    page.evaluate(_SETUP, TABBABLE)
    has_header = page.locator("header").count() > 0  # navigation repeated on every page, to skip
    problems = []
    stops = 0
    for stops in range(1, max_tabs + 1):
        page.keyboard.press("Tab")
        stop = page.evaluate(_INSPECT_FOCUS)
        if stop["done"]:
            break
        if stop.get("again"):
            continue
        if from_top and stops == 1 and not stop["skipLink"] and has_header:
            problems.append(f"the first Tab reaches {stop['what']}, not the skip link")
        problems += [f"{stop['what']} {problem}" for problem in stop["problems"]]
    else:
        stops = 0  # stopped at the limit: the rest of the page was not reached, by design
    if stops:
        problems += [f"{what} cannot be reached with Tab" for what in page.evaluate(_NOT_REACHED)]
    if from_top and has_header:
        problems += check_skip_link(page)
    return problems


def check_skip_link(page) -> list[str]:
    """Enter on the skip link moves focus to the main content: the next Tab lands inside it."""
    skip_link = page.locator(SKIP_LINKS).first
    if not skip_link.count():
        return ["has no skip link"]
    skip_link.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    return [] if page.evaluate(_IN_MAIN) else ["the skip link does not move focus to the main content"]


_TARGETS = """
([selector, minimum]) => {
  const targets = [...document.querySelectorAll(selector)]
    .filter((el) => !el.disabled && el.checkVisibility({visibilityProperty: true}))
    .map((el) => ({el, r: el.getBoundingClientRect()}))
    .filter((t) => t.r.width > 1 && t.r.height > 1);  // 1 px: visually hidden until focused
  const small = (t) => t.r.width < minimum - 0.5 || t.r.height < minimum - 0.5;
  // The criterion's exception for targets in a sentence: an inline link with text around it.
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    return (block ? block.textContent.trim().length : 0) > el.textContent.trim().length;
  };
  const centre = (r) => [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
  const distanceToBox = ([x, y], r) =>
    Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const related = (a, b) => a.el.contains(b.el) || b.el.contains(a.el);
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '')
      .trim().replace(/\\s+/g, ' ');
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${text.slice(0, 40)}"`;
  };
  const problems = [];
  for (const t of targets.filter(small)) {
    if (inSentence(t.el)) continue;
    const c = centre(t.r);
    const crowding = targets.find((o) => o !== t && !related(t, o) && (small(o)
      ? Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < minimum
      : distanceToBox(c, o.r) < minimum / 2));
    if (crowding) {
      problems.push(`${describe(t.el)} is ${Math.round(t.r.width)}x${Math.round(t.r.height)} px and ` +
        `too close to ${describe(crowding.el)}`);
    }
  }
  return problems;
}
"""


def check_target_size(page, minimum: int = 24) -> list[str]:
    """WCAG 2.2 2.5.8 Target Size (Minimum), measured from each target's bounding box."""
    return page.evaluate(_TARGETS, [POINTER_TARGETS, minimum])


def horizontal_scroll(page) -> list[str]:
    content, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return (
        [f"scrolls sideways: content {content} px wide in a {window} px window"] if content > window else []
    )


def check_markup(page) -> list[str]:
    """Ids used once, labels and ARIA references naming an element on the page, and no markup shown as
    text (tests/markup_checks.py), on the page as the browser holds it: after its scripts, and with a form's
    errors when it was sent back."""
    return markup_problems(page.content())


def check_page(page, *, phone: bool, from_top: bool = True) -> list[str]:
    """Every check on the page as it stands. At phone width the keyboard is checked for the first stops
    only, where the folded header menu is: the rest of a page keeps its order and focus styles at any width,
    and tabbing through every page twice would double the run."""
    problems = axe_violations(page, tags=WCAG_TAGS) + check_target_size(page) + check_markup(page)
    if phone:
        problems += horizontal_scroll(page)
    return problems + check_keyboard(page, from_top=from_top, max_tabs=PHONE_TABS if phone else MAX_TABS)
