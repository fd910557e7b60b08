# expect: nothing of this check
FROM debian:12
RUN apt-get install -y openssh-client vim procps
RUN systemctl enable nginx
RUN echo ssh vim top
RUN grep service /etc/services
RUN sshd -t || true
