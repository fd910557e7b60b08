# expect: VGL-DF-031 line 6
# expect: VGL-DF-031 line 7
# expect: VGL-DF-031 line 8
# expect: VGL-DF-031 line 9
FROM debian:12
RUN useradd -u 100000 app
RUN useradd --uid 2000000 -m svc
RUN groupadd -g 70000 g && useradd -u 70000 -g g u
RUN useradd -r -u 65536 x
