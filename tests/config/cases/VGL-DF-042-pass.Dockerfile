# expect: nothing of this check
FROM rockylinux:9
RUN yum install -y httpd-2.4.57 && yum clean all
RUN dnf -y install nginx-1.20.1 && dnf clean all
RUN zypper -n install curl-8.0.1
RUN zypper --non-interactive in git-2.43.0
RUN dnf install --assumeyes tar-1.34
RUN zypper install -y vim-9.0
