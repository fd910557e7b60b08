# expect: VGL-DF-016 line 3
FROM rockylinux:9
RUN yum install -y httpd
