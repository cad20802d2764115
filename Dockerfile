FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# Noto CJK for the PDF files; headless LibreOffice for plan imports in .doc/.wps/.et (the worker
# converts them to .docx/.xlsx).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    libreoffice-writer-nogui libreoffice-calc-nogui && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e '.[s3]' \
 && pybabel compile -d locale -D django \
 && STATIC_MANIFEST=1 python manage.py collectstatic --no-input
RUN useradd --system --home /app portal && mkdir -p /data/private && chown portal /data/private
USER portal
EXPOSE 8000
