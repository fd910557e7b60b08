# expect: nothing of this check
FROM ruby:3.3
RUN gem install bundler:2.5.3
RUN gem install rails -v 7.1.2
RUN gem install --no-document rails --version 7.1.2
RUN gem install ./vendor/mygem-1.0.gem
RUN bundle install
