# expect: nothing of this check
FROM debian:12
RUN apt-get install -y sudo
RUN echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app
RUN make install
RUN echo sudo
RUN visudo -c
