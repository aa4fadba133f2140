// Starts the NHS.UK frontend components (header menu, error summary, ...) on every page.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();
