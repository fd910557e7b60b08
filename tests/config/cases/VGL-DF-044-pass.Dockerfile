# expect: nothing of this check
FROM opensuse/leap:15.5
RUN zypper -n install curl-8.0.1 && zypper clean
RUN zypper refresh
RUN zypper -n patch
RUN zypper -n update curl-8.0.1 && zypper clean
RUN echo zypper dup
