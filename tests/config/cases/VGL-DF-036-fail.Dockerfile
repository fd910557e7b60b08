# expect: VGL-DF-036 line 8
# expect: VGL-DF-036 line 9
# expect: VGL-DF-036 line 10
# expect: VGL-DF-036 line 11
# expect: VGL-DF-036 line 12
FROM alpine:3.19
WORKDIR /app
COPY package.json yarn.lock /app
COPY a b c /dest
ADD one.txt two.txt /opt/x
COPY ["a.txt", "b.txt", "/data"]
COPY --chown=app:app src lib ./code
