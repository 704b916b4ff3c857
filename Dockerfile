# The production image: gunicorn serves the app, whitenoise the static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=csp_tracker.settings.production

# WeasyPrint's libraries and the PDFs' fonts (static/css/pdf.css; the same list is in
# scripts/bootstrap.sh and .ci/run): Liberation Sans, Noto for the scripts UK partnerships
# publish in (Urdu, Punjabi, Chinese, ...) and emoji. The PDFs use sans faces only, so the
# serif CJK faces (53 MB of the 91 MB of fonts-noto-cjk) are removed; the fonts add about
# 90 MB to the image. fontconfig builds the font cache here, not at the first render.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fontconfig fonts-liberation fonts-noto-core fonts-noto-cjk \
       fonts-noto-color-emoji \
    && rm -f /usr/share/fonts/opentype/noto/NotoSerifCJK-*.ttc \
    && fc-cache -f \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# collectstatic needs settings that production insists on; these are build-time only.
RUN SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput

RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
# gunicorn's settings (csp_tracker/gunicorn_conf.py) read WEB_CONCURRENCY and the rest
# (README, "Sizing the web tier").
ENV WEB_CONCURRENCY=4
CMD ["gunicorn", "-c", "python:csp_tracker.gunicorn_conf", "csp_tracker.wsgi:application"]
