# expect: nothing of this check
FROM alpine:3.19
LABEL maintainer=a@example.com
LABEL org.opencontainers.image.authors=b@example.com
RUN echo MAINTAINER
