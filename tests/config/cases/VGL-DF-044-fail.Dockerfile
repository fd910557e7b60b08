# expect: VGL-DF-044 line 7
# expect: VGL-DF-044 line 8
# expect: VGL-DF-044 line 9
# expect: VGL-DF-044 line 10
# expect: VGL-DF-044 line 11
FROM opensuse/leap:15.5
RUN zypper dist-upgrade -y
RUN zypper -n dup
RUN zypper refresh && zypper dup -y && zypper clean
RUN zypper --non-interactive dist-upgrade --no-recommends
RUN zypper -n dup --allow-vendor-change
