# expect: VGL-DF-041 line 7
# expect: VGL-DF-041 line 8
# expect: VGL-DF-041 line 9
# expect: VGL-DF-041 line 10
# expect: VGL-DF-041 line 11
FROM ruby:3.3
RUN gem install bundler
RUN gem install --no-document rails
RUN gem install -N nokogiri
RUN gem i rake
RUN gem install --source https://rubygems.org puma
