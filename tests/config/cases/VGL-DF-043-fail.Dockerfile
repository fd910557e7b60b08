# expect: VGL-DF-043 line 7
# expect: VGL-DF-043 line 8
# expect: VGL-DF-043 line 9
# expect: VGL-DF-043 line 10
# expect: VGL-DF-043 line 11
FROM rockylinux:9
RUN yum install -y httpd && yum clean all
RUN dnf install -y nginx-1.20.1 git && dnf clean all
RUN zypper -n install curl
RUN dnf install -y --setopt=tsflags=nodocs tar
RUN yum groupinstall -y Development
