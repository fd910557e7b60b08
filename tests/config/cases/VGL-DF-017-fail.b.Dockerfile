# expect: VGL-DF-017 line 6
# expect: VGL-DF-017 line 7
# expect: VGL-DF-017 line 8
# expect: VGL-DF-017 line 9
FROM debian:12
RUN sudo apt-get install -y curl
RUN sudo -u app make install
RUN cd /x && sudo make install
RUN echo hi | sudo tee /etc/motd
