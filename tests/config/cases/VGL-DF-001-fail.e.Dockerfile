# expect: VGL-DF-001 line 4
FROM golang:1.22 AS build
USER 10001
FROM debian:12
RUN echo the final stage sets no USER
