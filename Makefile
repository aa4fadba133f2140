# HEFT Hub: `make run` serves the demo, `make test` runs the checks. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := heft/static/vendor
DEV_ENV := HEFT_ENVIRONMENT=development DJANGO_DEBUG=1

.PHONY: run serve national-admin test install assets lint format bench clean

run: install assets
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py warm_engines
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(MAKE) --no-print-directory serve

# Serves whatever the database holds (no demo data is loaded), with the task worker (emails, imports) beside
# the web server; both stop together.
serve: install assets
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The first national admin of an empty installation: `make national-admin EMAIL=you@example.nhs.uk`.
national-admin: install
	@test -n "$(EMAIL)" || (echo "Say whose: make national-admin EMAIL=you@example.nhs.uk" && exit 1)
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py create_national_admin "$(EMAIL)"

test: install assets lint
	HEFT_ENVIRONMENT=test $(BIN)/python manage.py warm_engines
	HEFT_ENVIRONMENT=test $(BIN)/pytest --cov

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "HEFT Hub needs Python 3.11 or later")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed
	mkdir -p $(VENDOR)/nhsuk $(VENDOR)/htmx
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js $(VENDOR)/nhsuk/
	# With their source maps: collectstatic in production refuses a file that names a map it cannot find.
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js.map $(VENDOR)/nhsuk/
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css.map $(VENDOR)/nhsuk/
	# The stylesheet points its icons at /assets/; here they sit beside it under static/.
	sed 's|url(/assets/|url(assets/|g' node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css > $(VENDOR)/nhsuk/nhsuk-frontend.min.css
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets $(VENDOR)/nhsuk/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/

# The same checks run before each commit once `pre-commit install` is done (.pre-commit-config.yaml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/lint_model_usage_in_views.py
	$(BIN)/python scripts/lint_layers.py
	$(BIN)/djlint heft --lint

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	HEFT_ENVIRONMENT=test $(BIN)/python -m bench.allocation
	HEFT_ENVIRONMENT=test $(BIN)/python -m bench.practices
	$(BIN)/python -m bench.journey

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles db.sqlite3
