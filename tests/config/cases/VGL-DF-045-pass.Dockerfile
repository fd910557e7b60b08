# expect: nothing of this check
FROM opensuse/leap:15.5
RUN zypper -n install curl-8.0.1 && zypper clean
RUN zypper -n in git-2.43.0 && zypper cc -a
RUN zypper -n install tar-1.34 && zypper -n clean --all
RUN zypper -n install wget-1.21 && rm -rf /var/cache/zypp/*
RUN zypper refresh
