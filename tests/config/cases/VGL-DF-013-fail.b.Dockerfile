# expect: VGL-DF-013 line 4
# expect: VGL-DF-013 line 5
FROM python:3.12
RUN pip3 install flask==3.0.0
RUN python -m pip install flask==3.0.0
