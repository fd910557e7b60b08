# expect: VGL-DF-013 line 3
FROM python:3.12-slim
RUN pip install flask==3.0.0
