# expect: nothing of this check
FROM alpine:3.19
WORKDIR /app
COPY package.json yarn.lock /app/
COPY a b c ./
COPY one.txt /opt/x
COPY ["a.txt", "b.txt", "/data/"]
COPY a b ${DEST}
