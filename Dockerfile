FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
# Every package pinned and checked against its hash: the image holds what `make lock` resolved, nothing else.
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# PYTHONDONTWRITEBYTECODE stops processes writing bytecode at run time, so it is compiled once here: else
# every gunicorn and Celery worker would compile the app's modules again as it starts.
RUN python -m compileall -q -x '/\.(venv|git)/' /app
RUN DEBUG=0 STATIC_MANIFEST=1 SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput
# The lab models volume takes this directory (and its owner) when docker-compose first creates it.
RUN useradd --system camhs && mkdir -p /var/lib/camhs-pbr/lab-models && chown -R camhs /app /var/lib/camhs-pbr
USER camhs
