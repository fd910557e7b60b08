# expect: nothing of this check
FROM debian:12
RUN echo no USER at all
