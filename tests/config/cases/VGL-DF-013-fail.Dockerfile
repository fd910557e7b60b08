# expect: VGL-DF-013 line 6
# expect: VGL-DF-013 line 8
# expect: VGL-DF-013 line 10
# expect: VGL-DF-013 line 11
FROM python:3.12-slim
RUN pip install flask==3.0.0
ENV PIP_NO_CACHE_DIR=0
RUN pip install flask==3.0.0
ENV PIP_NO_CACHE_DIR=off
RUN pip install flask==3.0.0
RUN PIP_NO_CACHE_DIR=false pip install flask==3.0.0
