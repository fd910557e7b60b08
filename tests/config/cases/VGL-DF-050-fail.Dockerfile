# expect: VGL-DF-050 line 8
# expect: VGL-DF-050 line 9
# expect: VGL-DF-050 line 10
# expect: VGL-DF-050 line 11
# expect: VGL-DF-050 line 12
# expect: VGL-DF-050 line 13
FROM alpine:3.19
LABEL Maintainer=me
LABEL com.docker.compose.project=x
LABEL org..example=1
LABEL -bad=1 good.key=2
LABEL io.docker.thing=1
LABEL org.opencontainers.image.Title=x
