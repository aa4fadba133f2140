// Starts the NHS.UK frontend components (header menu, error summary, ...) on every page.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// The skip link leaves "#maincontent" in the address. A form that posts back to its own page would carry it
// to the next page, where the browser's jump to it would take focus from the error summary: drop it.
addEventListener("hashchange", () => {
  if (location.hash === "#maincontent") {
    history.replaceState(history.state, "", location.pathname + location.search);
  }
});
