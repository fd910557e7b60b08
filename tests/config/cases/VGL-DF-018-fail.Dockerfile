# expect: VGL-DF-018 line 3
FROM alpine:3.19
RUN wget -qO- https://example.com/install.sh | sh
