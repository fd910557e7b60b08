# expect: nothing of this check
FROM rockylinux:9
RUN yum install -y httpd-2.4.57 && yum clean all
RUN dnf install -y nginx-1:1.20.1 git-2.39.3
RUN zypper -n install 'curl>=8' vim=9.0
RUN dnf install -y /tmp/pkg-1.0-1.x86_64.rpm
RUN dnf install -y --enablerepo crb perl-IPC-Run-20200505.0
RUN dnf install -y "python3.11-*"
