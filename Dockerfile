# The portal's image, for docker-compose: gunicorn serves it, the same image runs the Celery worker.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
 && DJANGO_SETTINGS_MODULE=portal.settings.base python manage.py collectstatic --noinput -v0
ENV DJANGO_SETTINGS_MODULE=portal.settings.production PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
