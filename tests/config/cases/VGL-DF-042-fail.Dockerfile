# expect: VGL-DF-042 line 7
# expect: VGL-DF-042 line 8
# expect: VGL-DF-042 line 9
# expect: VGL-DF-042 line 10
# expect: VGL-DF-042 line 11
FROM rockylinux:9
RUN yum install httpd-2.4.57 && yum clean all
RUN dnf install nginx-1.20.1 && dnf clean all
RUN zypper install curl-8.0.1
RUN zypper in git-2.43.0
RUN dnf --setopt=install_weak_deps=False install tar-1.34 && dnf clean all
