# expect: nothing of this check
FROM alpine:3.19
WORKDIR /src
RUN make -C /src
RUN echo cd /x
RUN git -C /repo pull
RUN ls /cd
