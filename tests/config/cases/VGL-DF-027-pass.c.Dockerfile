# expect: nothing of this check
# The word maintainer in labels, arguments and commands is not the instruction.
FROM node:20-alpine
ARG MAINTAINER_EMAIL=ops@example.com
ENV MAINTAINER=ops
RUN addgroup -S maintainer && adduser -S -G maintainer maintainer
LABEL org.opencontainers.image.vendor="Example" maintainer="ops@example.com"
