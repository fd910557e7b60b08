# expect: nothing of this check
FROM debian:12
RUN curl -fsSLo /tmp/i.sh https://get.example.com && sha256sum -c i.sha256 && sh /tmp/i.sh
RUN curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/k.gpg
RUN wget -qO- https://example.com/x.tgz | tar xz
RUN echo curl | sh
RUN bash -c 'curl -V'
