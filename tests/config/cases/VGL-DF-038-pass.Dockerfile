# expect: nothing of this check
FROM alpine:3.19
ENV APP_HOME=/app
ENV APP_BIN=$APP_HOME/bin
ENV PATH=/opt/bin:$PATH
ENV A=1 B=2
ENV JAVA_HOME=/opt/java
ENV PATH=$JAVA_HOME/bin:$PATH X=$APP_HOME
ENV LEGACY value with $A inside
