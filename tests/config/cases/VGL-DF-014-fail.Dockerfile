# expect: VGL-DF-014 line 8
# expect: VGL-DF-014 line 9
# expect: VGL-DF-014 line 10
# expect: VGL-DF-014 line 11
# expect: VGL-DF-014 line 12
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN python3 -m pip install --no-cache-dir flask
RUN pip install --trusted-host pypi.example.com requests
RUN pip3 install --root-user-action ignore --upgrade pip
RUN pip install -r requirements.txt gunicorn
RUN pip install --index-url=https://pypi.example.com/simple uvicorn
