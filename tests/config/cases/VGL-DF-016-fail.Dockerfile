# expect: VGL-DF-016 line 8
# expect: VGL-DF-016 line 9
# expect: VGL-DF-016 line 10
# expect: VGL-DF-016 line 11
# expect: VGL-DF-016 line 12
# expect: VGL-DF-016 line 13
FROM rockylinux:9
RUN yum install -y httpd
RUN yum clean all && yum install -y httpd
RUN dnf in -y nginx
RUN dnf upgrade-minimal -y
RUN dnf reinstall -y bash
RUN --mount=type=bind,target=/var/cache/dnf dnf install -y git
