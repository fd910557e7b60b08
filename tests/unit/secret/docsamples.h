/* docsamples.h - issue 18, item by item: every provider, token type, shape and false
 * positive the issue names, with an independent sample written from the provider's
 * documentation of its token format (not from the rules' own samples in samples.h): a
 * positive in the context the documentation shows it in, and a near miss that must not
 * be reported (wrong length, prefix, alphabet or checksum). Same template syntax as
 * samples.h; both are filled with random characters. test_secret.c tries each in six
 * shapes (plain file, .env, YAML, JSON string, source code, shell history) unless
 * `shapes` narrows it, with the reason next to the entry. */
enum {
	SH_PLAIN = 1,
	SH_YAML = 2,
	SH_JSON = 4,
	SH_SOURCE = 8,
	SH_HISTORY = 16,
	SH_ENV = 32,
	SH_ALL = 63,
	/* key material already escaped (\n): not escaped twice in a JSON / source string */
	SH_ESCAPED = SH_PLAIN | SH_YAML | SH_HISTORY | SH_ENV,
	/* several lines: where line breaks survive (a file) or are escaped (JSON, source) */
	SH_LINES = SH_PLAIN | SH_JSON | SH_SOURCE | SH_ENV,
	SH_PATH = 64, /* a sensitive file by its path (`pos` / `neg` are paths) */
};

typedef struct docsample {
	const char *name;   /* the item as issue 18 names it */
	const char *id;	    /* the rule that reports the positive; NULL: no rule may (not_id) */
	const char *pos;    /* found in every shape */
	const char *neg;    /* a near miss, reported in none (or NULL) */
	const char *not_id; /* a look-alike rule that must not report the positive */
	const char *path;   /* the file (only the plain shape): path-bound rules */
	unsigned shapes;    /* SH_* bits; 0: SH_ALL */
} docsample;

static const docsample DOCSAMPLES[] = {
	/* token types of known providers */
	{"Stripe test secret key (sk_test_)", "stripe-test-secret-key", "Stripe::api_key = \"sk_test_{a:24}\"", "sk_test_{a:6}"},
	{"Stripe restricted key, test (rk_test_)", "stripe-test-restricted-key", "stripe.api_key = 'rk_test_{a:99}'", "rk_test_{a:5}"},
	{"Stripe live secret key (sk_live_)", "stripe-secret-key", "STRIPE_SECRET_KEY=sk_live_{a:99}", "sk_live_{a:5}"},
	{"Mapbox public token", "mapbox-public-token", "mapboxgl.accessToken = 'pk.eyJ1Ijoi{u:50}.{u:22}';",
	 "pk.eyJ1Ijoi{u:5}.{u:5}"},
	{"Mapbox secret token", "mapbox-secret-token", "MAPBOX_DOWNLOADS_TOKEN=sk.eyJ1Ijoi{u:60}.{u:22}",
	 "sk.eyJ1Ijoi{u:5}.{u:5}"},
	{"Flutterwave public key", "flutterwave-public-key", "publicKey: \"FLWPUBK-{h:32}-X\"", "FLWPUBK-{h:12}-X"},
	{"Flutterwave secret key", "flutterwave-secret-key", "FLW_SECRET_KEY=FLWSECK_TEST-{h:32}-X", "FLWSECK_TEST-{h:31}-Y"},
	{"EasyPost test key", "easypost-test-key", "client = easypost.EasyPostClient(\"EZTK{a:54}\")", "EZTK{a:20}"},
	{"Shippo test token", "shippo-test-token", "Authorization: ShippoToken shippo_test_{h:40}",
	 "shippo_test_{h:20}"},
	{"Discord client secret", "discord-client-secret", "DISCORD_CLIENT_SECRET={u:28}7{u:3}",
	 "DISCORD_CLIENT_SECRET=notset"},
	{"Discord bot token", "discord-bot-token", "DISCORD_BOT_TOKEN=MT{a:22}.{a:6}.{a:38}",
	 "DISCORD_BOT_TOKEN=M{a:10}.{a:6}"},
	{"Telegram bot token", "telegram-bot-token", "https://api.telegram.org/bot{d:10}:AA{u:33}/getMe",
	 "bot{d:10}:BB{u:33}"},
	{"SendGrid", "sendgrid-api-key", "SENDGRID_API_KEY='SG.{u:22}.{u:43}'", "SG.{u:10}.{u:43}"},
	{"Twitter/X API key", "twitter-api-key", "consumer_key: TWITTER_API_KEY={a:20}7{a:4}", "TWITTER_API_KEY=short"},
	{"Atlassian / Jira API token", "atlassian-api-token", "JIRA_API_TOKEN=ATATT3xFfGF0{u:170}={H:8}", "ATATT3xFfGF0{u:10}"},
	{"Okta", "okta-api-token", "okta_api_token = \"00{u:40}\"", "okta_api_token = \"01{u:10}\""},
	{"Contentful", "contentful-token", "CONTENTFUL_DELIVERY_TOKEN=CFPAT-{u:43}", "CFPAT-{u:10}"},
	{"Dynatrace", "dynatrace-api-token", "Api-Token dt0c01.{U:24}.{U:64}", "dt0c01.{U:10}.{U:10}"},
	{"New Relic user API key", "newrelic-user-api-key", "NEW_RELIC_API_KEY=NRAK-{U:27}", "NRAK-{U:10}"},
	{"New Relic insert key", "newrelic-insert-key", "X-Insert-Key: NRII-{u:32}", "NRII-{u:8}"},
	{"New Relic license key", "newrelic-license-key", "license_key: {h:36}NRAL", "license_key: {h:10}NRAL"},
	{"New Relic browser key", "newrelic-browser-key", "NRJS-{h:19}", "NRJS-{h:5}"},
	{"Snyk", "snyk-token", "SNYK_TOKEN={h:8}-{h:4}-{h:4}-{h:4}-{h:12}", "SNYK_TOKEN={h:8}-{h:4}"},
	{"SonarQube", "sonarqube-token", "sonar.token=squ_{h:40}", "squ_{h:10}"},
	{"Harness", "harness-pat", "x-api-key: pat.{u:22}.{h:24}.{a:20}", "pat.{u:5}.{h:4}.{a:3}"},
	{"ClickHouse", "clickhouse-cloud-secret", "--secret 4b1d{a:38}", "4b1d{a:10}"},
	{"JFrog reference token", "artifactory-reference-token", "JFROG_ACCESS_TOKEN=cmVmdGtuOjAxOj{a:49}",
	 "cmVmdGtuOjAxOj{a:10}"},
	{"JFrog API key", "artifactory-api-key", "X-JFrog-Art-Api: AKCp8{a:68}", "AKCp8{a:10}"},
	{"Vault legacy s. token", "vault-legacy-token", "export VAULT_TOKEN=\"s.{a:24}\"", "export VAULT_TOKEN=\"s.{a:8}\""},
	{"Slack legacy token", "slack-legacy-token", "SLACK_TOKEN=xoxs-{d:10}-{d:12}-{d:12}-{h:32}", "xoxs-{d:3}"},
	{"Slack configuration token", "slack-config-token", "xoxe.xoxp-1-{a:150}", "xoxe.xoxp-1-{a:10}"},
	{"Slack webhook URL", "slack-webhook-url", "curl -X POST https://hooks.slack.com/services/T{U:8}/B{U:8}/{a:24}",
	 "https://hooks.slack.com/services/T{U:8}/B{U:8}/"},
	{"AWS Bedrock short-term key", "aws-bedrock-short-term-key",
	 "AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t{b:300}",
	 "bedrock-api-key-{b:10}"},
	{"1Password secret key", "onepassword-secret-key", "Secret Key: A3-{U:6}-{U:6}-{U:5}-{U:5}-{U:5}-{U:5}",
	 "A3-{U:6}-{U:6}"},
	{"GitHub classic token, checksum", "github-pat", "git clone https://x-access-token:ghp_{a:30}{c:6}@github.com/o/r",
	 "ghp_{a:36}"},
	{"npm token, checksum", "npm-access-token", "//registry.npmjs.org/:_authToken=npm_{a:30}{c:6}", "npm_{a:36}"},
	{"PyPI token, macaroon", "pypi-upload-token", "TWINE_PASSWORD={P:40}", "TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmc{u:90}"},
	{"Sentry org token", "sentry-auth-token", "SENTRY_AUTH_TOKEN={S:43}", "SENTRY_AUTH_TOKEN=sntrys_eyJ{u:80}", "sentry-user-token"},
	{"Anthropic admin key (not an API key)", "anthropic-admin-key", "x-api-key: sk-ant-admin01-{u:93}AA", "sk-ant-admin01-{u:20}AA", "anthropic-api-key"},
	{"Anthropic API key (not an admin key)", "anthropic-api-key", "ANTHROPIC_API_KEY=sk-ant-api03-{u:93}AA", "sk-ant-api03-{u:93}AB", "anthropic-admin-key"},
	{"Cloudflare origin CA key (not an API token)", "cloudflare-origin-ca-key", "X-Auth-User-Service-Key: v1.0-{h:24}-{h:146}",
	 "v1.0-{h:24}-{h:40}", "cloudflare-api-token"},
	{"JWT", "jwt",
	 "Authorization: Bearer "
	 "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ."
	 "{u:43}",
	 "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.{u:43}"},
	{"JWT, base64-wrapped", "jwt-base64", "kubectl config set-credentials ci --token=$(echo {J:0} | base64 -d)",
	 "ZXlK{b:60}"},
	/* providers without a rule before issue 18 */
	{"Adobe", "adobe-client-secret", "client_secret=p8e-{a:32}", "p8e-{a:10}"},
	{"Airtable", "airtable-pat", "Authorization: Bearer pat{a:14}.{h:64}", "pat{a:14}.{h:10}"},
	{"Algolia", "algolia-admin-key", "algolia_admin_key: '{h:32}'", "algolia_admin_key: 'none'"},
	{"Asana", "asana-pat",
	 "curl https://app.asana.com/api/1.0/users/me -H 'Authorization: Bearer "
	 "2/{d:16}/{d:16}:{h:32}'",
	 "asana 1/{d:3}:{h:5}"},
	{"Beamer", "beamer-api-token", "Beamer-Api-Key: b_{u:44}", "b_{u:10}"},
	{"Codecov", "codecov-token", "codecov_token: {h:8}-{h:4}-{h:4}-{h:4}-{h:12}", "codecov_token: none"},
	{"Cohere", "cohere-api-key", "co = cohere.Client(cohere_api_key='{a:38}9Z')",
	 "cohere_api_key='short'"},
	{"Defined Networking", "defined-networking-token", "Authorization: Bearer dnkey-{l:26}-{l:52}", "dnkey-{l:5}"},
	{"Duffel", "duffel-api-token", "Authorization: Bearer duffel_live_{a:43}", "duffel_live_{a:10}"},
	{"Dropbox", "dropbox-token", "dbx = dropbox.Dropbox('sl.{u:135}')", "sl.{u:10}"},
	{"GoCardless", "gocardless-token", "GOCARDLESS_ACCESS_TOKEN=live_{a:40}", "GOCARDLESS=live_{a:5}"},
	{"HubSpot private app token", "hubspot-private-app-token",
	 "Authorization: Bearer pat-eu1-{h:8}-{h:4}-{h:4}-{h:4}-{h:12}", "pat-eu1-{h:8}-{h:4}"},
	{"Infracost", "infracost-api-token", "infracost configure set api_key ico-{a:32}", "ico-{a:10}"},
	{"LaunchDarkly", "launchdarkly-key", "launchdarkly_sdk_key: sdk-{h:8}-{h:4}-{h:4}-{h:4}-{h:12}",
	 "launchdarkly_sdk_key: sdk-none"},
	{"Lob", "lob-api-key", "lob_key: test_{h:35}", "lob_key: test_{h:5}"},
	{"MaxMind", "maxmind-license-key", "LicenseKey {a:6}_{a:29}_mmk", "LicenseKey {a:6}_{a:5}_mmk"},
	{"Microsoft Teams webhook", "msteams-webhook-url",
	 "https://acme.webhook.office.com/webhookb2/"
	 "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}@{h:8}-{h:4}-{h:4}-{h:4}-{h:12}/IncomingWebhook/{h:32}/"
	 "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}",
	 "https://acme.webhook.office.com/webhookb2/{h:8}"},
	{"OpenShift token", "openshift-user-token", "Authorization: Bearer sha256~{u:43}", "sha256~{u:10}"},
	{"Plaid", "plaid-access-token", "access_token: access-production-{h:8}-{h:4}-{h:4}-{h:4}-{h:12}",
	 "access-production-{h:8}"},
	{"Sendinblue / Brevo", "brevo-api-key", "api-key: xkeysib-{h:64}-{a:16}", "xkeysib-{h:10}-{a:16}"},
	{"SettleMint", "settlemint-token", "SETTLEMINT_ACCESS_TOKEN=sm_aat_{a:16}", "sm_aat_{a:4}"},
	{"Sidekiq credentials", "sidekiq-secret", "bundle config --local enterprise.contribsys.com {h:8}:{h:8}",
	 "enterprise.contribsys.com user:pass"},
	{"Sourcegraph", "sourcegraph-token", "Authorization: token sgp_{h:40}", "sgp_{h:10}"},
	{"Yandex", "yandex-api-key", "Authorization: Api-Key AQVN{u:36}", "AQVN{u:10}"},
	{"Private Packagist", "private-packagist-token", "COMPOSER_AUTH token packagist_ort_{h:68}",
	 "packagist_ort_{h:10}"},
	{"Azure Container Registry password", "azure-container-registry-password", "docker login -p {a:42}+ACR{a:6} acme.azurecr.io",
	 "docker login -p {a:10}+ACR acme.azurecr.io"},
	{"curl -u user:pass", "curl-basic-auth", "curl --user deploy:{a:20} https://ci.internal/api",
	 "curl --user deploy https://ci.internal/api"},
	{"curl -H 'Authorization: ...'", "curl-auth-header", "curl -H \"X-API-Key: {a:32}\" https://api.internal/v1",
	 "curl -H \"Accept: application/json\" https://api.internal/v1"},
	{"Laravel APP_KEY", "laravel-app-key", "APP_KEY=base64:{b:43}=", "APP_KEY=base64:"},
	{"Symfony APP_SECRET", "symfony-app-secret", "APP_SECRET={h:32}", "APP_SECRET={h:8}"},
	{"Django SECRET_KEY", "django-secret-key", "SECRET_KEY = 'django-insecure-{a:50}'",
	 "SECRET_KEY = os.environ['X']"},
	{"Rails secret_key_base", "rails-secret-key-base", "SECRET_KEY_BASE={h:128}", "SECRET_KEY_BASE={h:16}"},
	{"Tailscale", "tailscale-key", "tailscale up --authkey tskey-auth-{a:10}CNTRL-{a:33}",
	 "tskey-auth-{a:10}-{a:5}"},
	{"Google API key (not an SDK example)", "gcp-api-key", "const firebaseConfig = { apiKey: \"AIzaSy{u:33}\" };", "AIzaSy{u:20}"},
	/* ---- added in the last round: every remaining named item ---- */
	/* providers without a rule before issue 18 (key name + shape) */
	{"Authress", "authress-service-key",
	 "AUTHRESS_SERVICE_CLIENT_ACCESS_KEY=sc_{l:10}.{l:5}.acc_{l:20}.{b:60}",
	 "sc_{l:10}.{l:5}.acc_{l:20}.{b:10}"},
	{"Bittrex", "bittrex-key", "BITTREX_API_SECRET={l:32}", "BITTREX_API_SECRET={l:31}"},
	{"Coinbase", "coinbase-token", "COINBASE_API_TOKEN={l:64}", "COINBASE_API_TOKEN={l:20}"},
	{"Confluent", "confluent-secret", "CONFLUENT_CLOUD_API_SECRET={a:64}",
	 "CONFLUENT_CLOUD_API_SECRET={a:40}"},
	{"Drone CI", "drone-ci-token", "export DRONE_TOKEN={a:32}", "export DRONE_TOKEN={a:16}"},
	{"Etsy", "etsy-api-key", "ETSY_API_KEY={l:24}", "ETSY_API_KEY={l:12}"},
	{"Finicity", "finicity-secret", "FINICITY_APP_KEY={h:32}", "FINICITY_APP_KEY={h:12}"},
	{"Finnhub", "finnhub-token", "finnhub_token = '{l:20}'", "finnhub_token = '{l:10}'"},
	{"Flickr", "flickr-api-key", "FLICKR_API_KEY={l:32}", "FLICKR_API_KEY={l:16}"},
	{"Freemius", "freemius-secret-key",
	 "fs_dynamic_init( array( 'id' => '4321', 'public_key' => 'pk_{h:29}', 'secret_key' => "
	 "'sk_{a:29}' ) );",
	 "'secret_key' => 'sk_{a:10}'"},
	{"FreshBooks", "freshbooks-token", "FRESHBOOKS_ACCESS_TOKEN={l:64}",
	 "FRESHBOOKS_ACCESS_TOKEN={l:32}"},
	{"Gitter", "gitter-token", "GITTER_TOKEN={l:40}", "GITTER_TOKEN={l:20}"},
	{"HubSpot API key (legacy)", "hubspot-api-key",
	 "HUBSPOT_API_KEY={h:8}-{h:4}-{h:4}-{h:4}-{h:12}", "HUBSPOT_API_KEY={h:8}-{h:4}"},
	{"Intercom", "intercom-token", "INTERCOM_ACCESS_TOKEN={a:60}",
	 "INTERCOM_ACCESS_TOKEN={a:30}"},
	{"Kraken", "kraken-secret", "KRAKEN_PRIVATE_KEY={b:86}==", "KRAKEN_PRIVATE_KEY={b:40}=="},
	{"KuCoin", "kucoin-key", "KUCOIN_API_KEY={h:24}", "KUCOIN_API_KEY={h:12}"},
	{"LinkedIn", "linkedin-client-secret", "LINKEDIN_CLIENT_SECRET={a:16}",
	 "LINKEDIN_CLIENT_SECRET={a:8}"},
	{"Looker", "looker-client-secret", "LOOKER_CLIENT_SECRET={a:24}",
	 "LOOKER_CLIENT_SECRET={a:12}"},
	{"Mattermost", "mattermost-token", "MATTERMOST_TOKEN={l:26}", "MATTERMOST_TOKEN={l:13}"},
	{"Meraki", "meraki-api-key", "X-Cisco-Meraki-API-Key: {h:40}",
	 "X-Cisco-Meraki-API-Key: {h:20}"},
	{"MessageBird", "messagebird-key", "MESSAGEBIRD_API_KEY={a:25}",
	 "MESSAGEBIRD_API_KEY={a:12}"},
	{"New York Times", "nytimes-api-key", "NYTIMES_API_KEY={a:32}", "NYTIMES_API_KEY={a:16}"},
	{"Private AI", "private-ai-key", "PRIVATE_AI_API_KEY={l:32}", "PRIVATE_AI_API_KEY={l:16}"},
	{"RapidAPI", "rapidapi-key", "X-RapidAPI-Key: {u:50}", "X-RapidAPI-Key: {u:20}"},
	{"Sendbird", "sendbird-token", "SENDBIRD_API_TOKEN={h:40}", "SENDBIRD_API_TOKEN={h:20}"},
	{"Squarespace", "squarespace-token", "SQUARESPACE_API_KEY={h:8}-{h:4}-{h:4}-{h:4}-{h:12}",
	 "SQUARESPACE_API_KEY={h:8}-{h:4}"},
	{"Sumo Logic", "sumologic-access-key", "SUMO_ACCESS_KEY={a:64}", "SUMO_ACCESS_KEY={a:30}"},
	{"Travis CI", "travisci-token", "TRAVIS_API_TOKEN={a:22}", "TRAVIS_API_TOKEN={a:11}"},
	{"Twitch", "twitch-token", "TWITCH_OAUTH_TOKEN={l:30}", "TWITCH_OAUTH_TOKEN={l:15}"},
	{"Zendesk", "zendesk-secret", "ZENDESK_API_TOKEN={a:40}", "ZENDESK_API_TOKEN={a:20}"},
	/* a manifest is a YAML file: it is not leaked inside another string */
	{"Kubernetes Secret manifest, data:", "kubernetes-secret-data",
	 "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: "
	 "{b:40}",
	 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\ndata:\n  password: {b:40}", NULL,
	 "/app/k8s/db.yaml", SH_PLAIN},
	{"Kubernetes Secret manifest, stringData:", "kubernetes-secret-data",
	 "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  api-token: {a:32}",
	 "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  api-token: changeme",
	 NULL, "/app/k8s/api.yaml", SH_PLAIN},
	/* Maven reads these two files by name */
	{"Maven settings.xml password", "maven-settings-password",
	 "<settings><servers><server><id>nexus</id><username>deploy</username><password>{a:20}"
	 "</password></server></servers></settings>",
	 "<server><password>${env.NEXUS_PASSWORD}</password></server>", NULL,
	 "/root/.m2/settings.xml", SH_PLAIN},
	{"Maven settings-security.xml master password", "maven-settings-password",
	 "<settingsSecurity><master>{{a:22}=}</master></settingsSecurity>",
	 "<settingsSecurity><master>${env.M}</master></settingsSecurity>", NULL,
	 "/root/.m2/settings-security.xml", SH_PLAIN},
	{"Docker .dockerconfigjson in Kubernetes YAML", "kubernetes-dockerconfigjson",
	 ".dockerconfigjson: eyJhdXRocyI6eyJ{b:150}", ".dockerconfigjson: {b:10}"},
	{"Docker .dockercfg in Kubernetes YAML", "kubernetes-dockerconfigjson",
	 ".dockercfg: eyJyZWdpc3RyeS{b:120}", ".dockercfg: e30="},
	/* token types of known providers */
	{"Stripe restricted key, live (rk_live_)", "stripe-restricted-key",
	 "STRIPE_RESTRICTED_KEY=rk_live_{a:99}", "rk_live_{a:10}"},
	{"Flutterwave encryption key", "flutterwave-encryption-key",
	 "FLW_ENCRYPTION_KEY=FLWSECK_TEST{h:12}", "FLW_ENCRYPTION_KEY=FLWSECK_TEST{h:6}"},
	{"Discord client ID", "discord-client-id", "DISCORD_CLIENT_ID={d:18}",
	 "DISCORD_CLIENT_ID={d:5}"},
	{"Datadog API key by its variable name", "datadog-api-key", "DD_API_KEY={h:32}",
	 "DD_API_KEY={h:16}"},
	{"Datadog API key, long variable name", "datadog-api-key", "DATADOG_API_KEY={h:32}",
	 "DATADOG_API_KEY={h:31}"},
	{"Datadog application key by its variable name", "datadog-app-key", "DD_APP_KEY={h:40}",
	 "DD_APP_KEY={h:20}"},
	{"Twitter/X API secret", "twitter-api-secret", "TWITTER_API_SECRET={a:50}",
	 "TWITTER_API_SECRET={a:20}"},
	{"Twitter/X access token", "twitter-access-token", "TWITTER_ACCESS_TOKEN={d:19}-{a:30}",
	 "TWITTER_ACCESS_TOKEN={d:19}"},
	{"Twitter/X bearer token", "twitter-bearer-token",
	 "TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAA{a:80}", "TWITTER_BEARER_TOKEN=AAAAAAAAAAAA"},
	{"Confluence API token", "atlassian-api-token", "CONFLUENCE_API_TOKEN=ATATT3xFfGF0{u:170}={H:8}",
	 "CONFLUENCE_API_TOKEN=ATATT3xFfGF0{u:12}"},
	{"New Relic query key", "newrelic-insert-key", "X-Query-Key: NRIQ-{u:32}", "NRIQ-{u:8}"},
	{"JFrog identity token", "jfrog-identity-token",
	 "JFROG_ACCESS_TOKEN=eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOiJRbTl2ZEhO"
	 "MGNtRndTMlY1U1dSR2IzSktSbkp2WjBGalkyVnpjdyJ9.eyJzdWIiOiJqZmFjQDAxL3VzZXJzL2NpIiwic2NwIjoi"
	 "YXBwbGllZC1wZXJtaXNzaW9ucy91c2VyIiwiaWF0IjoxNzAwMDAwMDAwfQ.{u:342}",
	 "eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOiJRbTl2ZEhOMGNtRndTMlY1U1dSR2Iz"
	 "SktSbkp2WjBGalkyVnpjdyJ9.eyJ2ZXIiOiIyIn0.{u:342}"},
	{"AWS Bedrock long-term key", "aws-bedrock-key", "AWS_BEARER_TOKEN_BEDROCK=ABSK{b:132}",
	 "AWS_BEARER_TOKEN_BEDROCK=ABSK{b:20}"},
	{"Cloudflare API token (not an origin CA key)", "cloudflare-api-token",
	 "CLOUDFLARE_API_TOKEN={a:40}", "CLOUDFLARE_API_TOKEN={a:20}", "cloudflare-origin-ca-key"},
	{"Sentry user token (not an org token)", "sentry-user-token", "SENTRY_TOKEN=sntryu_{h:64}",
	 "sntryu_{h:20}", "sentry-auth-token"},
	/* shapes */
	{"PEM, the base64 body on one line", "private-key-rsa",
	 "-----BEGIN RSA PRIVATE "
	 "KEY-----\n{b:800}\n-----END RSA PRIVATE "
	 "KEY-----",
	 "-----BEGIN RSA PRIVATE "
	 "KEY-----\n{b:20}\n-----END RSA PRIVATE "
	 "KEY-----",
	 NULL, NULL, SH_LINES},
	{"PEM, the whole key on one line", "private-key-ec",
	 "key: -----BEGIN EC PRIVATE "
	 "KEY----- {b:64} {b:40} -----END EC PRIVATE "
	 "KEY-----",
	 "key: -----BEGIN EC PRIVATE "
	 "KEY----- {b:20} -----END EC PRIVATE "
	 "KEY-----"},
	{"PEM with \\n escapes in JSON", "private-key-rsa",
	 "{\"tls_key\": \"-----BEGIN RSA PRIVATE "
	 "KEY-----\\n{b:64}\\n{b:64}\\n{b:20}\\n-----END RSA PRIVATE "
	 "KEY-----\\n\"}",
	 "{\"tls_key\": \"-----BEGIN RSA PRIVATE "
	 "KEY-----\\n{b:20}\\n-----END RSA PRIVATE "
	 "KEY-----\\n\"}",
	 NULL, NULL, SH_ESCAPED},
	{"PEM with \\n escapes in YAML", "private-key-ec",
	 "tls_key: \"-----BEGIN EC PRIVATE "
	 "KEY-----\\n{b:64}\\n{b:40}\\n-----END EC PRIVATE "
	 "KEY-----\\n\"",
	 "tls_key: \"-----BEGIN EC PRIVATE "
	 "KEY-----\\n{b:12}\\n-----END EC PRIVATE "
	 "KEY-----\\n\"",
	 NULL, NULL, SH_ESCAPED},
	{"Ed25519 PKCS#8 key (one short line)", "private-key-pkcs8",
	 "-----BEGIN PRIVATE "
	 "KEY-----\nMC4CAQAwBQYDK2VwBCIEI{b:43}\n-----END PRIVATE "
	 "KEY-----",
	 "-----BEGIN PRIVATE "
	 "KEY-----\nMC4CAQAwBQYDK2VwBCIEI{b:8}\n-----END PRIVATE "
	 "KEY-----",
	 NULL, NULL, SH_LINES},
	{"token glued to a word (ourgithub_pat_)", "github-fine-grained-pat",
	 "ourgithub_pat_{a:22}_{a:59}", "ourgithub_pat_{a:22}_{a:20}"},
	{"token glued to a word (ourghp_)", "github-pat", "ourghp_{a:30}{c:6}",
	 "ourghp_{a:30}{c:6}X"},
	{"*.P12 (upper case) matched by the *.p12 glob", "sensitive-file-pkcs12",
	 "/app/certs/CLIENT.P12", "/app/certs/CLIENT.P12.txt", NULL, NULL, SH_PATH},
	{"*.PFX (upper case)", "sensitive-file-pkcs12", "/opt/app/Signing.PFX",
	 "/opt/app/Signing.PFX.md", NULL, NULL, SH_PATH},
	/* false positives: Google's published SDK keys (written in two pieces so that this
	 * file is not a leak) are never reported */
	{"Google SDK example key (Firebase JS)", NULL,
	 "const firebaseConfig = { apiKey: 'AIza"
	 "SyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU' };",
	 NULL, "gcp-api-key"},
	{"Google SDK example key (Firebase iOS)", NULL,
	 "<key>API_KEY</key><string>AIza"
	 "SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs</string>",
	 NULL, "gcp-api-key"},
	{"Google SDK example key (Firebase Android)", NULL,
	 "\"current_key\": \"AIza"
	 "SyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM\"",
	 NULL, "gcp-api-key"},
	{"Google SDK example key (Firebase tests)", NULL, "apiKey = AIza"
							  "SyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
	 NULL, "gcp-api-key"},
	{"Google Cloud SDK key for error reports", NULL,
	 "ERROR_REPORTING_PARAM = 'AIza"
	 "SyCUuWyME_r4XylltWNeydEjKSkgXkvpVyU'",
	 NULL, "gcp-api-key"},
};
