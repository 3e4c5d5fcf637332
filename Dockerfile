# The portal's image, for docker-compose: gunicorn serves it; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/portal portal
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .
# Static files are collected with the production settings (hashed, compressed names and their manifest,
# which every {% static %} needs). The values below only let the settings import: nothing connects to them.
RUN DJANGO_SETTINGS_MODULE=portal.settings.production \
    DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost:5432/build \
    CELERY_BROKER_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput -v0 \
 && mkdir -p /app/media && chown portal /app/media
USER portal
ENV DJANGO_SETTINGS_MODULE=portal.settings.production \
    PYTHONUNBUFFERED=1 \
    GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --workers 3 --access-logfile -"
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application"]
