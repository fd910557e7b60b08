# expect: VGL-DF-048 line 7
# expect: VGL-DF-048 line 8
# expect: VGL-DF-048 line 9
# expect: VGL-DF-048 line 10
# expect: VGL-DF-048 line 11
FROM alpine:3.19
COPY app.py app.py
COPY requirements.txt ./
ADD conf etc/conf
COPY --chown=1000 src src
COPY ["main.go", "go.mod", "./"]
