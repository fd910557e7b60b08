# expect: VGL-DF-014 line 3
FROM python:3.12-slim
RUN python3 -m pip install --no-cache-dir flask
