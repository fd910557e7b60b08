# expect: VGL-DF-018 line 6
# expect: VGL-DF-018 line 7
# expect: VGL-DF-018 line 8
# expect: VGL-DF-018 line 9
FROM debian:12
RUN curl -fsSL https://get.example.com | bash
RUN wget -qO- https://example.com/install.sh | sh -s -- -y
RUN curl -sL https://deb.example.com/setup | sudo -E bash -
RUN curl https://x.example.com/i | tee /tmp/i | sh
