# expect: VGL-DF-035 line 8
# expect: VGL-DF-035 line 9
# expect: VGL-DF-035 line 10
# expect: VGL-DF-035 line 11
# expect: VGL-DF-035 line 12
# expect: VGL-DF-035 line 13
FROM debian:12
RUN service nginx start
RUN vim /etc/hosts
RUN ps aux | grep x
RUN ssh host true
RUN shutdown -h now
RUN top -b -n1
