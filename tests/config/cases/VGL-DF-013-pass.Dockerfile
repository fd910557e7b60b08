# expect: nothing of this check
FROM python:3.12-slim AS base
RUN pip install --no-cache-dir flask==3.0.0
RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0
RUN --mount=type=cache,target=/root/.cache pip install flask==3.0.0
RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.0
RUN pipx install black
RUN pipenv install --deploy
ENV PIP_NO_CACHE_DIR=on
RUN pip install flask==3.0.0
FROM base AS app
RUN pip install gunicorn==21.2.0
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=yes
RUN pip install flask==3.0.0
ENV PIP_NO_CACHE_DIR true
RUN pip install flask==3.0.0
