# expect: nothing of this check
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN pip install --no-cache-dir -r requirements.txt
RUN pip install --trusted-host pypi.example.com requests==2.31.0
RUN pip install --root-user-action ignore pip==24.0
RUN pip install -c constraints.txt flask gunicorn
RUN pip install --constraint=/tmp/c.txt uvicorn
RUN pip install ./dist/app-1.0.tar.gz /wheels/app-1.0-py3-none-any.whl ./vendor/pkg.zip
RUN pip install -e . 'flask>=3,<4'
RUN pipx install black
RUN pipenv install --deploy --system
RUN pip install "${PKG}"
