# expect: nothing of this check
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.0
