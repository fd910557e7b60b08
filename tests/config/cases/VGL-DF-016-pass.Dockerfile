# expect: nothing of this check
FROM rockylinux:9
RUN yum install -y httpd && yum clean all
RUN dnf in -y nginx && dnf clean all
RUN dnf -y upgrade && rm -rf /var/cache/dnf
RUN --mount=type=cache,target=/var/cache/dnf dnf install -y git
RUN --mount=type=tmpfs,target=/var/cache/yum yum install -y git
RUN microdnf install -y tar && microdnf clean all
RUN dnf --version
