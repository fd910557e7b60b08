# expect: VGL-DF-045 line 7
# expect: VGL-DF-045 line 8
# expect: VGL-DF-045 line 9
# expect: VGL-DF-045 line 10
# expect: VGL-DF-045 line 11
FROM opensuse/leap:15.5
RUN zypper -n install curl-8.0.1
RUN zypper -n in git-2.43.0 vim-9.0
RUN zypper refresh && zypper -n install tar-1.34
RUN zypper -n install -y wget-1.21 && rm -rf /tmp/x
RUN zypper --non-interactive install gzip-1.12
