# expect: nothing of this check
FROM rockylinux:9
RUN yum install -y httpd && yum clean all
