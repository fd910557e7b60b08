# expect: VGL-DF-021 line 6
# expect: VGL-DF-021 line 8
# expect: VGL-DF-021 line 10
# expect: VGL-DF-021 line 12
FROM alpine:3.19
RUN wget -qO- https://example.com/x.tgz | tar xz
SHELL ["/bin/bash", "-eo", "errexit", "-c"]
RUN ls | wc -l
SHELL ["/bin/bash", "-c"]
RUN ls | wc -l
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN set +o pipefail; ls | wc -l
