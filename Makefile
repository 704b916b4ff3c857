# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup lint migrate demo

PORT ?= 8000
# Where scripts/bootstrap.sh may have put uv.
export PATH := $(HOME)/.local/bin:$(CURDIR)/.tools/bin:$(PATH)

setup:
	@scripts/bootstrap.sh

run: setup
	uv run python manage.py migrate --noinput
	uv run python manage.py load_demo
	uv run python manage.py runserver 127.0.0.1:$(PORT)

lint:
	uv run ruff check .
	uv run djlint --lint templates */templates
	uv run mypy .
	DJANGO_SETTINGS_MODULE=csp_tracker.settings.test uv run python manage.py makemigrations --check --dry-run

test:
	@scripts/bootstrap.sh --test
	$(MAKE) lint
	DJANGO_SETTINGS_MODULE=csp_tracker.settings.production SECRET_KEY=check-only-$$(date +%s%N)-not-a-real-secret-key-0123456789 \
		ALLOWED_HOSTS=example.org uv run python manage.py check --deploy --fail-level WARNING
	uv run pytest -n auto
