# expect: nothing of this check
FROM debian:12 AS base
USER 10001
FROM base
RUN echo inherits USER 10001
