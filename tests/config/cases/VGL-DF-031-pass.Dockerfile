# expect: nothing of this check
FROM debian:12
RUN useradd -l -u 123456 app
