# expect: VGL-DF-038 line 7
# expect: VGL-DF-038 line 8
# expect: VGL-DF-038 line 9
# expect: VGL-DF-038 line 10
# expect: VGL-DF-038 line 13
FROM alpine:3.19
ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
ENV A=1 B=${A}
ENV JAVA_HOME=/opt/java PATH=$JAVA_HOME/bin:$PATH
ENV X=1 \
    Y=2 \
    Z=${X}-${Y}
ENV V=1 W="v$V"
