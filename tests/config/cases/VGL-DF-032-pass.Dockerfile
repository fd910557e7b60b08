# expect: nothing of this check
FROM alpine:3.19
ONBUILD COPY . /app/src
ONBUILD RUN make
ONBUILD USER app
