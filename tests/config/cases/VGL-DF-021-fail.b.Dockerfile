# expect: VGL-DF-021 line 4
# expect: VGL-DF-021 line 5
FROM debian:12
RUN curl -fsSL https://example.com/k | gpg --dearmor -o /k.gpg
RUN set -e; ls | wc -l
