/*
 * rules.c - the built-in secret rules, as data.
 *
 * Each rule is written from the provider's documented token format: a fixed prefix
 * where the provider has one (so the detection pass is a literal search), otherwise a
 * key name next to the value. The secret is capture group 1 unless `group` says
 * otherwise. Every regex is accepted by both Hyperscan and PCRE2 (no lookaround, no
 * back-references) and is bounded in length (VIGIL_SECRET_MAXW). Generic rules
 * ("password = ...") are marked and only run with --secret-generic.
 */
#include "secret/secret_int.h"

/* the token may not continue: end of a [0-9A-Za-z_-] token */
#define EB "(?:[^0-9A-Za-z_-]|$)"
/* end of a base64 token */
#define EB64 "(?:[^0-9A-Za-z+/=]|$)"
/* `name = value`, `name: value`, `"name": "value"`, `NAME=value`, and the quotes escaped
 * (`\"`) inside a JSON or source string */
#define ASSIGN "\\\\?[\"']?\\s{0,4}[:=]{1,2}\\s{0,4}\\\\?[\"']?"

#define RULE(id, cat, title, sev, re, kw, ent)                                                     \
	{                                                                                          \
		id, cat, title, sev, re, 1, kw, ent, NULL, NULL, VIGIL_SECRET_SCOPE_ANY,           \
			VIGIL_SECRET_CHECK_NONE, 0                                                 \
	}
#define RULEX(id, cat, title, sev, re, kw, ent, paths, allow, scope, check)                        \
	{                                                                                          \
		id, cat, title, sev, re, 1, kw, ent, paths, allow, scope, check, 0                 \
	}
#define PREFIXED(id, cat, title, sev, re) RULE(id, cat, title, sev, re, NULL, 3.0)
/* a prefixed token with a structural check (a checksum, a decoded payload) */
#define CHECKED(id, cat, title, sev, re, check)                                                    \
	RULEX(id, cat, title, sev, re, NULL, 3.0, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, check)
/* a key name (`names`, a regex alternation) starting a word, next to a value of a
 * provider's shape that mixes digits and letters */
#define KEYED(id, cat, title, sev, names, value)                                                   \
	RULEX(id, cat, title, sev,                                                                 \
	      "(?i)(?:^|[^a-z0-9])(?:" names ")[a-z0-9_.-]{0,24}" ASSIGN "(" value ")" EB, NULL,   \
	      3.0, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_MIXED)
#define UUID "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

/* a line break in key material: real, escaped in JSON / YAML / env strings (`\\n`), or a
 * space where a tool joined the lines */
#define NL "(?:\\r?\\n|(?:\\\\r)?\\\\n| )"

#define PEM(id, title, kind)                                                                       \
	RULEX(id, "PrivateKey", title, "CRITICAL",                                                 \
	      "-----BEGIN " kind "-----" NL "(?:[A-Za-z-]{1,40}: [^\\r\\n]{0,120}" NL "){0,4}" NL  \
	      "?"                                                                                  \
	      "([A-Za-z0-9+/]{40,76}" NL "?[A-Za-z0-9+/=]{4,76})",                                 \
	      NULL, 0, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_PEMBODY)

#define DBURL(id, cat, title, scheme)                                                              \
	RULEX(id, cat, title, "CRITICAL",                                                          \
	      "\\b" scheme                                                                         \
	      "://[^\\s:@/\"'<>\\\\]{0,64}:([^\\s:@/\"'<>\\\\]{6,128})@[^\\s/\"'<>:]{1,253}",      \
	      NULL, 0, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_URLPASS)

const vigil_secret__def vigil_secret__builtin[] = {
	/* ---- Amazon Web Services ---- */
	RULE("aws-access-key-id", "AWS", "AWS access key ID", "CRITICAL",
	     "\\b((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16})\\b", NULL,
	     3.0),
	RULE("aws-secret-access-key", "AWS", "AWS secret access key", "CRITICAL",
	     "(?i)aws_?secret_?(?:access_?)?key" ASSIGN "([A-Za-z0-9/+]{40})" EB64, NULL, 4.0),
	RULE("aws-session-token", "AWS", "AWS session token", "HIGH",
	     "(?i)aws_?session_?token" ASSIGN "([A-Za-z0-9/+=]{100,1200})", NULL, 4.0),
	PREFIXED("aws-mws-key", "AWS", "Amazon MWS auth token", "HIGH",
		 "\\b(amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
		 "\\b"),
	/* ---- Google Cloud ---- */
	RULE("gcp-service-account-key", "GCP", "Google Cloud service account private key",
	     "CRITICAL",
	     "\"private_key\"\\s{0,4}:\\s{0,4}\"-----BEGIN (?:RSA )?PRIVATE KEY-----\\\\n"
	     "([A-Za-z0-9+/]{40,64})",
	     NULL, 4.0),
	/* the allowlist: keys Google publishes in its SDKs, which every installation ships:
	 * the Firebase SDKs' sources and tests, and the Cloud SDK's keys for anonymous
	 * requests and error reports (gsutil, gcloud; package google-cloud-cli) */
	RULEX("gcp-api-key", "GCP", "Google API key", "HIGH", "\\b(AIza[0-9A-Za-z_-]{35})" EB, NULL,
	      3.0, NULL,
	      "^AIza(?:SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs|SyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c|"
	      "SyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM|SyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU|"
	      "SyDnacJHrKma0048b13sh8cgxNUwulubmJM|SyCUuWyME_r4XylltWNeydEjKSkgXkvpVyU|"
	      "SyAp4DSI_Z3-mK-B8U0t7GE34n74OWDJmak)$",
	      VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_NONE),
	PREFIXED("gcp-oauth-client-secret", "GCP", "Google OAuth client secret", "HIGH",
		 "\\b(GOCSPX-[0-9A-Za-z_-]{28})" EB),
	PREFIXED("gcp-oauth-access-token", "GCP", "Google OAuth access token", "HIGH",
		 "\\b(ya29\\.[0-9A-Za-z_-]{30,400})" EB),
	/* ---- Microsoft Azure ---- */
	RULE("azure-storage-account-key", "Azure", "Azure storage account key", "CRITICAL",
	     "(?i)AccountKey=([A-Za-z0-9+/]{86}==)", NULL, 4.0),
	RULE("azure-shared-access-key", "Azure", "Azure Service Bus / Event Hubs shared access key",
	     "CRITICAL", "(?i)SharedAccessKey=([A-Za-z0-9+/]{43}=)", NULL, 4.0),
	RULE("azure-sas-token", "Azure", "Azure shared access signature", "HIGH",
	     "[?&]sig=([A-Za-z0-9%+/]{43,90})", "sv= se= sp=", 3.5),
	RULE("azure-ad-client-secret", "Azure", "Azure AD client secret", "HIGH",
	     "(?:^|[^0-9A-Za-z_~.-])([0-9A-Za-z_~.]{3}[0-9]Q~[0-9A-Za-z_~.-]{31,34})" EB, NULL,
	     3.5),
	RULE("azure-devops-pat", "Azure", "Azure DevOps personal access token", "HIGH",
	     "(?i)(?:azure|ado|devops|vsts)[a-z_]{0,20}(?:pat|token)" ASSIGN "([a-z2-7]{52})\\b",
	     NULL, 3.5),
	/* ---- GitHub ---- */
	CHECKED("github-pat", "GitHub", "GitHub personal access token", "CRITICAL",
		"(ghp_[0-9A-Za-z]{36})\\b", VIGIL_SECRET_CHECK_CRC62),
	CHECKED("github-oauth-token", "GitHub", "GitHub OAuth access token", "CRITICAL",
		"(gho_[0-9A-Za-z]{36})\\b", VIGIL_SECRET_CHECK_CRC62),
	CHECKED("github-user-to-server-token", "GitHub", "GitHub App user-to-server token",
		"CRITICAL", "(ghu_[0-9A-Za-z]{36})\\b", VIGIL_SECRET_CHECK_CRC62),
	CHECKED("github-server-to-server-token", "GitHub", "GitHub App installation token",
		"CRITICAL", "(ghs_[0-9A-Za-z]{36})\\b", VIGIL_SECRET_CHECK_CRC62),
	PREFIXED("github-refresh-token", "GitHub", "GitHub refresh token", "CRITICAL",
		 "(ghr_[0-9A-Za-z]{36,76})\\b"),
	PREFIXED("github-fine-grained-pat", "GitHub", "GitHub fine-grained personal access token",
		 "CRITICAL", "(github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})\\b"),
	/* ---- GitLab ---- */
	PREFIXED("gitlab-pat", "GitLab", "GitLab personal access token", "CRITICAL",
		 "(glpat-[0-9A-Za-z_-]{20,64})" EB),
	PREFIXED("gitlab-pipeline-trigger-token", "GitLab", "GitLab pipeline trigger token", "HIGH",
		 "(glptt-[0-9a-f]{40})\\b"),
	PREFIXED("gitlab-runner-registration-token", "GitLab", "GitLab runner registration token",
		 "HIGH", "\\b(GR1348941[0-9A-Za-z_-]{20})" EB),
	PREFIXED("gitlab-runner-token", "GitLab", "GitLab runner authentication token", "HIGH",
		 "(glrt-[0-9A-Za-z_-]{20,64})" EB),
	PREFIXED("gitlab-deploy-token", "GitLab", "GitLab deploy token", "HIGH",
		 "(gldt-[0-9A-Za-z_-]{20,64})" EB),
	PREFIXED("gitlab-feed-token", "GitLab", "GitLab feed token", "MEDIUM",
		 "(glft-[0-9A-Za-z_-]{20,64})" EB),
	PREFIXED("gitlab-oauth-app-secret", "GitLab", "GitLab OAuth application secret", "HIGH",
		 "(gloas-[0-9A-Za-z_-]{64})" EB),
	PREFIXED("gitlab-scim-token", "GitLab", "GitLab SCIM token", "HIGH",
		 "(glsoat-[0-9A-Za-z_-]{20,64})" EB),
	PREFIXED("gitlab-incoming-mail-token", "GitLab", "GitLab incoming mail token", "MEDIUM",
		 "(glimt-[0-9A-Za-z_-]{25,64})" EB),
	PREFIXED("gitlab-agent-token", "GitLab", "GitLab Kubernetes agent token", "HIGH",
		 "(glagent-[0-9A-Za-z_-]{50,64})" EB),
	PREFIXED("gitlab-cicd-job-token", "GitLab", "GitLab CI/CD job token", "HIGH",
		 "(glcbt-[0-9a-fA-F]{1,5}_[0-9A-Za-z_-]{20,64})" EB),
	/* ---- Slack ---- */
	PREFIXED("slack-bot-token", "Slack", "Slack bot token", "HIGH",
		 "(xoxb-[0-9]{10,13}-[0-9]{10,13}-[0-9A-Za-z]{24,34})\\b"),
	PREFIXED("slack-user-token", "Slack", "Slack user token", "HIGH",
		 "(xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[0-9a-f]{32,64})\\b"),
	PREFIXED("slack-app-token", "Slack", "Slack app-level token", "HIGH",
		 "(xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[0-9a-f]{64})\\b"),
	PREFIXED("slack-config-token", "Slack", "Slack configuration token", "HIGH",
		 "(xoxe\\.xox[bp]-[0-9]-[0-9A-Za-z]{150,170})\\b"),
	PREFIXED("slack-legacy-token", "Slack", "Slack legacy token", "HIGH",
		 "(xox[ars]-[0-9]{1,13}-[0-9A-Za-z-]{10,60})\\b"),
	PREFIXED("slack-webhook-url", "Slack", "Slack incoming webhook", "MEDIUM",
		 "hooks\\.slack\\.com/(?:services|workflows|triggers)/"
		 "(T[0-9A-Z]{8,12}/[0-9A-Z]{8,12}/[0-9A-Za-z]{20,34})"),
	/* ---- payments ---- */
	PREFIXED("stripe-secret-key", "Stripe", "Stripe live secret key", "CRITICAL",
		 "(sk_live_[0-9A-Za-z]{24,99})\\b"),
	PREFIXED("stripe-restricted-key", "Stripe", "Stripe live restricted key", "HIGH",
		 "(rk_live_[0-9A-Za-z]{24,99})\\b"),
	PREFIXED("stripe-webhook-secret", "Stripe", "Stripe webhook signing secret", "MEDIUM",
		 "\\b(whsec_[0-9A-Za-z]{32,64})\\b"),
	PREFIXED("square-access-token", "Square", "Square access token", "HIGH",
		 "\\b((?:EAAA|sq0atp-)[0-9A-Za-z_-]{22,60})" EB),
	PREFIXED("square-oauth-secret", "Square", "Square OAuth secret", "HIGH",
		 "\\b(sq0csp-[0-9A-Za-z_-]{43})" EB),
	PREFIXED("braintree-access-token", "PayPal", "PayPal Braintree access token", "HIGH",
		 "\\b(access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32})\\b"),
	PREFIXED("flutterwave-secret-key", "Flutterwave", "Flutterwave secret key", "HIGH",
		 "\\b(FLWSECK(?:_TEST)?-[0-9a-f]{32}-X)\\b"),
	/* the encryption key of direct card charges: FLWSECK_TEST and 12 hex digits */
	PREFIXED("flutterwave-encryption-key", "Flutterwave", "Flutterwave encryption key", "HIGH",
		 "\\b(FLWSECK(?:_TEST)?[0-9a-f]{12})\\b"),
	PREFIXED("shippo-api-token", "Shippo", "Shippo live API token", "HIGH",
		 "\\b(shippo_live_[0-9a-f]{40})\\b"),
	PREFIXED("easypost-api-key", "EasyPost", "EasyPost API key", "HIGH",
		 "\\b(EZAK[0-9A-Za-z]{54})\\b"),
	/* ---- messaging and mail ---- */
	RULE("twilio-api-key", "Twilio", "Twilio API key", "HIGH", "\\b(SK[0-9a-fA-F]{32})\\b",
	     "twilio", 3.0),
	RULE("twilio-auth-token", "Twilio", "Twilio auth token", "HIGH",
	     "(?i)twilio[a-z_]{0,20}token" ASSIGN "([0-9a-f]{32})\\b", NULL, 3.0),
	PREFIXED("sendgrid-api-key", "SendGrid", "SendGrid API key", "HIGH",
		 "\\b(SG\\.[0-9A-Za-z_-]{22}\\.[0-9A-Za-z_-]{43})" EB),
	RULE("mailgun-api-key", "Mailgun", "Mailgun API key", "HIGH", "\\b(key-[0-9a-f]{32})\\b",
	     "mailgun", 3.0),
	PREFIXED("mailchimp-api-key", "Mailchimp", "Mailchimp API key", "HIGH",
		 "\\b([0-9a-f]{32}-us[0-9]{1,2})\\b"),
	PREFIXED("postmark-server-token", "Postmark", "Postmark server token", "HIGH",
		 "(?i)postmark[a-z_]{0,20}token" ASSIGN
		 "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b"),
	PREFIXED("telegram-bot-token", "Telegram", "Telegram bot token", "HIGH",
		 "(?:^|[^0-9])([0-9]{8,10}:AA[0-9A-Za-z_-]{33})" EB),
	RULE("discord-bot-token", "Discord", "Discord bot token", "HIGH",
	     "(?i)discord[a-z_]{0,20}(?:token|key)" ASSIGN
	     "([MNO][0-9A-Za-z_-]{23,25}\\.[0-9A-Za-z_-]{6}\\.[0-9A-Za-z_-]{27,38})" EB,
	     NULL, 3.5),
	PREFIXED("discord-webhook-url", "Discord", "Discord webhook", "MEDIUM",
		 "discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/([0-9A-Za-z_-]{60,68})" EB),
	RULE("twitter-bearer-token", "Twitter", "Twitter / X bearer token", "HIGH",
	     "\\b(A{21}[0-9A-Za-z%]{30,120})", "twitter bearer", 3.5),
	PREFIXED("facebook-access-token", "Facebook", "Facebook access token", "HIGH",
		 "\\b(EAACEdEose0cBA[0-9A-Za-z]{20,255})\\b"),
	/* ---- package registries ---- */
	CHECKED("npm-access-token", "npm", "npm access token", "CRITICAL",
		"\\b(npm_[0-9A-Za-z]{36})\\b", VIGIL_SECRET_CHECK_CRC62),
	CHECKED("pypi-upload-token", "PyPI", "PyPI upload token", "CRITICAL",
		"(pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,1000})" EB, VIGIL_SECRET_CHECK_PYPI),
	PREFIXED("dockerhub-pat", "DockerHub", "Docker Hub personal access token", "CRITICAL",
		 "(dckr_pat_[0-9A-Za-z_-]{27})" EB),
	PREFIXED("dockerhub-oat", "DockerHub", "Docker Hub organization access token", "CRITICAL",
		 "(dckr_oat_[0-9A-Za-z_-]{32})" EB),
	PREFIXED("rubygems-api-key", "RubyGems", "RubyGems API key", "HIGH",
		 "\\b(rubygems_[0-9a-f]{48})\\b"),
	PREFIXED("nuget-api-key", "NuGet", "NuGet API key", "HIGH", "\\b(oy2[a-z0-9]{43})\\b"),
	PREFIXED("clojars-token", "Clojars", "Clojars deploy token", "HIGH",
		 "\\b(CLOJARS_[a-z0-9]{60})\\b"),
	PREFIXED("artifactory-api-key", "JFrog", "JFrog Artifactory API key", "HIGH",
		 "(AKCp[0-9A-Za-z]{69})\\b"),
	PREFIXED("artifactory-reference-token", "JFrog", "JFrog Artifactory reference token",
		 "HIGH", "(cmVmdGtuOjAxOj[0-9A-Za-z]{49})\\b"),
	/* an access token (a JWT) as JFrog issues it: its header is always
	 * {"ver":"2","typ":"JWT","alg":"RS256","kid":...}; an identity token is one scoped to
	 * a user (the web UI hands out its reference token, above) */
	RULEX("jfrog-identity-token", "JFrog", "JFrog access / identity token", "HIGH",
	      "\\b(eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOi[0-9A-Za-z_-]{8,200}"
	      "\\.eyJ[0-9A-Za-z_-]{8,1100}\\.[0-9A-Za-z_-]{16,600})" EB,
	      NULL, 3.0, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_JWT),
	/* ---- platforms ---- */
	PREFIXED("shopify-access-token", "Shopify", "Shopify access token", "HIGH",
		 "(shpat_[0-9a-fA-F]{32})\\b"),
	PREFIXED("shopify-custom-app-token", "Shopify", "Shopify custom app access token", "HIGH",
		 "(shpca_[0-9a-fA-F]{32})\\b"),
	PREFIXED("shopify-private-app-token", "Shopify", "Shopify private app password", "HIGH",
		 "(shppa_[0-9a-fA-F]{32})\\b"),
	PREFIXED("shopify-shared-secret", "Shopify", "Shopify shared secret", "HIGH",
		 "\\b(shpss_[0-9a-fA-F]{32})\\b"),
	PREFIXED("heroku-api-key-v2", "Heroku", "Heroku API key", "HIGH",
		 "\\b(HRKU-AA[0-9A-Za-z_-]{58})" EB),
	RULE("heroku-api-key", "Heroku", "Heroku API key (legacy)", "HIGH",
	     "(?i)heroku[a-z_]{0,20}(?:key|token)" ASSIGN
	     "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b",
	     NULL, 3.0),
	PREFIXED("digitalocean-pat", "DigitalOcean", "DigitalOcean personal access token", "HIGH",
		 "(dop_v1_[0-9a-f]{64})\\b"),
	PREFIXED("digitalocean-oauth-token", "DigitalOcean", "DigitalOcean OAuth token", "HIGH",
		 "(doo_v1_[0-9a-f]{64})\\b"),
	PREFIXED("digitalocean-refresh-token", "DigitalOcean", "DigitalOcean refresh token", "HIGH",
		 "(dor_v1_[0-9a-f]{64})\\b"),
	PREFIXED("alibaba-access-key-id", "Alibaba", "Alibaba Cloud AccessKey ID", "HIGH",
		 "\\b(LTAI[0-9A-Za-z]{12,20})\\b"),
	RULE("cloudflare-api-token", "Cloudflare", "Cloudflare API token", "HIGH",
	     "(?i)(?:cloudflare|cf)_?api_?(?:token|key)" ASSIGN "([0-9A-Za-z_-]{37,40})" EB, NULL,
	     3.5),
	PREFIXED("cloudflare-origin-ca-key", "Cloudflare", "Cloudflare Origin CA key", "HIGH",
		 "\\b(v1\\.0-[0-9a-f]{24}-[0-9a-f]{146})\\b"),
	PREFIXED("fastly-api-token", "Fastly", "Fastly API token", "HIGH",
		 "(?i)fastly[a-z_]{0,20}(?:key|token)" ASSIGN "([0-9A-Za-z_-]{32})" EB),
	PREFIXED("linode-api-token", "Linode", "Linode API token", "HIGH",
		 "(?i)linode[a-z_]{0,20}token" ASSIGN "([0-9a-f]{64})\\b"),
	PREFIXED("vultr-api-key", "Vultr", "Vultr API key", "HIGH",
		 "(?i)vultr[a-z_]{0,20}key" ASSIGN "([0-9A-Z]{36})\\b"),
	PREFIXED("scaleway-secret-key", "Scaleway", "Scaleway secret key", "HIGH",
		 "(?i)scw_secret_key" ASSIGN
		 "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b"),
	PREFIXED("flyio-access-token", "Fly.io", "Fly.io access token", "HIGH",
		 "\\b((?:fo1_[0-9A-Za-z_-]{43}|fm[12][ar]?_[0-9A-Za-z+/=]{100,1500}))"),
	PREFIXED("supabase-access-token", "Supabase", "Supabase access token", "HIGH",
		 "\\b(sbp_[0-9a-f]{40})\\b"),
	PREFIXED("vercel-token", "Vercel", "Vercel access token", "HIGH",
		 "(?i)vercel[a-z_]{0,20}token" ASSIGN "([0-9A-Za-z]{24})\\b"),
	PREFIXED("netlify-token", "Netlify", "Netlify access token", "HIGH",
		 "(?i)netlify[a-z_]{0,20}(?:token|key)" ASSIGN "([0-9A-Za-z_-]{40,46})" EB),
	PREFIXED("deno-deploy-token", "Deno", "Deno Deploy token", "HIGH",
		 "\\b(dd[pw]_[0-9A-Za-z]{36})\\b"),
	PREFIXED("planetscale-token", "PlanetScale", "PlanetScale service token", "HIGH",
		 "\\b(pscale_tkn_[0-9A-Za-z_.-]{32,64})" EB),
	PREFIXED("planetscale-password", "PlanetScale", "PlanetScale password", "HIGH",
		 "\\b(pscale_pw_[0-9A-Za-z_.-]{32,64})" EB),
	PREFIXED("planetscale-oauth", "PlanetScale", "PlanetScale OAuth token", "HIGH",
		 "\\b(pscale_oauth_[0-9A-Za-z_.-]{32,64})" EB),
	PREFIXED("render-api-key", "Render", "Render API key", "HIGH",
		 "\\b(rnd_[0-9A-Za-z]{32})\\b"),
	PREFIXED("scalingo-api-token", "Scalingo", "Scalingo API token", "HIGH",
		 "\\b(tk-us-[0-9A-Za-z_-]{48})" EB),
	/* ---- infrastructure tools ---- */
	PREFIXED("vault-service-token", "HashiCorp", "HashiCorp Vault service token", "CRITICAL",
		 "\\b(hvs\\.[0-9A-Za-z_-]{24,200})" EB),
	PREFIXED("vault-batch-token", "HashiCorp", "HashiCorp Vault batch token", "CRITICAL",
		 "\\b(hvb\\.[0-9A-Za-z_-]{100,300})" EB),
	PREFIXED("vault-recovery-token", "HashiCorp", "HashiCorp Vault recovery token", "CRITICAL",
		 "\\b(hvr\\.[0-9A-Za-z_-]{24,200})" EB),
	PREFIXED("terraform-cloud-token", "HashiCorp", "Terraform Cloud API token", "HIGH",
		 "\\b([0-9A-Za-z]{14}\\.atlasv1\\.[0-9A-Za-z_=-]{60,70})" EB),
	PREFIXED("pulumi-access-token", "Pulumi", "Pulumi access token", "HIGH",
		 "\\b(pul-[0-9a-f]{40})\\b"),
	PREFIXED("doppler-token", "Doppler", "Doppler token", "HIGH",
		 "\\b(dp\\.(?:pt|st|sa|ct|scim|audit)\\.[0-9A-Za-z]{40,44})\\b"),
	PREFIXED("onepassword-service-account-token", "1Password",
		 "1Password service account token", "CRITICAL",
		 "\\b(ops_eyJ[0-9A-Za-z_=-]{250,1200})" EB),
	PREFIXED("age-secret-key", "age", "age secret key", "CRITICAL",
		 "\\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\\b"),
	PREFIXED("prefect-api-key", "Prefect", "Prefect API key", "HIGH",
		 "\\b(pnu_[0-9A-Za-z]{36})\\b"),
	PREFIXED("dynatrace-api-token", "Dynatrace", "Dynatrace API token", "HIGH",
		 "\\b(dt0c01\\.[0-9A-Z]{24}\\.[0-9A-Z]{64})\\b"),
	RULE("datadog-api-key", "Datadog", "Datadog API key", "HIGH",
	     "(?i)(?:datadog|dd)_?api_?key" ASSIGN "([0-9a-f]{32})\\b", NULL, 3.0),
	RULE("datadog-app-key", "Datadog", "Datadog application key", "HIGH",
	     "(?i)(?:datadog|dd)_?app(?:lication)?_?key" ASSIGN "([0-9a-f]{40})\\b", NULL, 3.0),
	PREFIXED("newrelic-user-api-key", "NewRelic", "New Relic user API key", "HIGH",
		 "\\b(NRAK-[0-9A-Z]{27})\\b"),
	PREFIXED("newrelic-insert-key", "NewRelic", "New Relic insert or query key", "HIGH",
		 "\\b(NRI[IQ]-[0-9A-Za-z_-]{32})" EB),
	PREFIXED("newrelic-license-key", "NewRelic", "New Relic license key", "HIGH",
		 "\\b([0-9a-f]{36}NRAL)\\b"),
	PREFIXED("newrelic-browser-key", "NewRelic", "New Relic browser API key", "MEDIUM",
		 "\\b(NRJS-[0-9a-f]{19})\\b"),
	PREFIXED("grafana-api-key", "Grafana", "Grafana API key", "HIGH",
		 "\\b(eyJrIjoi[0-9A-Za-z+/]{70,400}={0,2})"),
	PREFIXED("grafana-cloud-token", "Grafana", "Grafana Cloud API token", "HIGH",
		 "\\b(glc_[0-9A-Za-z+/]{32,400}={0,2})"),
	PREFIXED("grafana-service-account-token", "Grafana", "Grafana service account token",
		 "HIGH", "\\b(glsa_[0-9A-Za-z]{32}_[0-9A-Fa-f]{8})\\b"),
	CHECKED("sentry-auth-token", "Sentry", "Sentry organization auth token", "HIGH",
		"\\b(sntrys_eyJ[0-9A-Za-z+/=_]{60,400})", VIGIL_SECRET_CHECK_SENTRY),
	PREFIXED("sentry-user-token", "Sentry", "Sentry user auth token", "HIGH",
		 "\\b(sntryu_[0-9a-f]{64})\\b"),
	RULE("okta-api-token", "Okta", "Okta API token", "HIGH",
	     "(?i)okta[a-z_]{0,20}(?:token|key)" ASSIGN "(00[0-9A-Za-z_-]{40})" EB, NULL, 3.5),
	PREFIXED("atlassian-api-token", "Atlassian", "Atlassian API token", "HIGH",
		 "\\b(ATATT3[0-9A-Za-z_=-]{180,200})" EB),
	PREFIXED("bitbucket-app-password", "Atlassian", "Bitbucket app password", "HIGH",
		 "\\b(ATBB[0-9A-Za-z]{32})\\b"),
	PREFIXED("databricks-token", "Databricks", "Databricks access token", "HIGH",
		 "\\b(dapi[0-9a-f]{32}(?:-[0-9])?)\\b"),
	PREFIXED("postman-api-key", "Postman", "Postman API key", "HIGH",
		 "\\b(PMAK-[0-9a-f]{24}-[0-9a-f]{34})\\b"),
	PREFIXED("linear-api-key", "Linear", "Linear API key", "HIGH",
		 "\\b(lin_api_[0-9A-Za-z]{40})\\b"),
	PREFIXED("linear-oauth-token", "Linear", "Linear OAuth token", "HIGH",
		 "\\b(lin_oauth_[0-9a-f]{64})\\b"),
	PREFIXED("notion-token", "Notion", "Notion integration token", "HIGH",
		 "\\b(ntn_[0-9]{11}[0-9A-Za-z]{35})\\b"),
	RULE("notion-secret", "Notion", "Notion integration secret (legacy)", "HIGH",
	     "\\b(secret_[0-9A-Za-z]{43})\\b", "notion", 3.5),
	PREFIXED("mapbox-secret-token", "Mapbox", "Mapbox secret token", "HIGH",
		 "\\b(sk\\.eyJ1Ijoi[0-9A-Za-z_-]{20,200}\\.[0-9A-Za-z_-]{20,100})" EB),
	PREFIXED("typeform-token", "Typeform", "Typeform personal access token", "HIGH",
		 "\\b(tfp_[0-9A-Za-z_=.-]{59})" EB),
	PREFIXED("frameio-token", "Frame.io", "Frame.io API token", "HIGH",
		 "\\b(fio-u-[0-9A-Za-z_=-]{64})" EB),
	PREFIXED("readme-api-key", "ReadMe", "ReadMe API key", "HIGH", "\\b(rdme_[0-9a-z]{70})\\b"),
	PREFIXED("contentful-token", "Contentful", "Contentful personal access token", "HIGH",
		 "\\b(CFPAT-[0-9A-Za-z_-]{43})" EB),
	PREFIXED("intra42-secret", "42", "42 intra client secret", "MEDIUM",
		 "\\b(s-s4t2(?:ud|af)-[0-9a-f]{64})\\b"),
	PREFIXED("adafruit-io-key", "Adafruit", "Adafruit IO key", "MEDIUM",
		 "\\b(aio_[0-9A-Za-z]{28})\\b"),
	PREFIXED("snyk-token", "Snyk", "Snyk API token", "HIGH",
		 "(?i)snyk_?(?:token|api_?key)" ASSIGN
		 "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b"),
	PREFIXED("sonarqube-token", "SonarQube", "SonarQube token", "HIGH",
		 "\\b((?:squ|sqp|sqa)_[0-9a-f]{40})\\b"),
	PREFIXED("circleci-token", "CircleCI", "CircleCI personal API token", "HIGH",
		 "\\b(CCIPAT_[0-9A-Za-z]{22}_[0-9a-f]{40})\\b"),
	PREFIXED("buildkite-token", "Buildkite", "Buildkite agent/API token", "HIGH",
		 "\\b(bkua_[0-9a-f]{40})\\b"),
	PREFIXED("harness-pat", "Harness", "Harness personal access token", "HIGH",
		 "\\b(pat\\.[0-9A-Za-z_-]{22}\\.[0-9a-f]{24}\\.[0-9A-Za-z]{20})\\b"),
	PREFIXED("octopus-deploy-key", "OctopusDeploy", "Octopus Deploy API key", "HIGH",
		 "\\b(API-[0-9A-Z]{26})\\b"),
	/* ---- AI providers ---- */
	PREFIXED("openai-api-key", "OpenAI", "OpenAI API key", "HIGH",
		 "\\b(sk-(?:proj|svcacct|admin)-[0-9A-Za-z_-]{40,200})" EB),
	PREFIXED("openai-legacy-key", "OpenAI", "OpenAI API key (legacy)", "HIGH",
		 "\\b(sk-[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20})\\b"),
	PREFIXED("anthropic-api-key", "Anthropic", "Anthropic API key", "HIGH",
		 "(sk-ant-api03-[0-9A-Za-z_-]{93}AA)" EB),
	PREFIXED("anthropic-admin-key", "Anthropic", "Anthropic admin API key", "CRITICAL",
		 "(sk-ant-admin01-[0-9A-Za-z_-]{93}AA)" EB),
	PREFIXED("huggingface-token", "HuggingFace", "Hugging Face access token", "HIGH",
		 "\\b(hf_[0-9A-Za-z]{34})\\b"),
	PREFIXED("huggingface-org-token", "HuggingFace", "Hugging Face organization token", "HIGH",
		 "\\b(api_org_[0-9A-Za-z]{34})\\b"),
	PREFIXED("replicate-api-token", "Replicate", "Replicate API token", "HIGH",
		 "\\b(r8_[0-9A-Za-z]{37})\\b"),
	PREFIXED("groq-api-key", "Groq", "Groq API key", "HIGH", "\\b(gsk_[0-9A-Za-z]{52})\\b"),
	PREFIXED("perplexity-api-key", "Perplexity", "Perplexity API key", "HIGH",
		 "\\b(pplx-[0-9A-Za-z]{48})\\b"),
	PREFIXED("xai-api-key", "xAI", "xAI API key", "HIGH", "\\b(xai-[0-9A-Za-z]{80})\\b"),
	/* ---- more providers: a documented prefix or structure ---- */
	PREFIXED("adobe-client-secret", "Adobe", "Adobe client secret", "HIGH",
		 "\\b(p8e-[0-9A-Za-z]{32})" EB),
	PREFIXED("airtable-pat", "Airtable", "Airtable personal access token", "HIGH",
		 "\\b(pat[0-9A-Za-z]{14}\\.[0-9a-f]{64})\\b"),
	PREFIXED("authress-service-key", "Authress", "Authress service client access key", "HIGH",
		 "\\b((?:sc|ext|scauth|authress)_[0-9a-z]{5,30}\\.[0-9a-z]{4,6}\\.acc[_-][0-9a-z-]{"
		 "10,32}"
		 "\\.[0-9A-Za-z+/_=-]{30,120})"),
	PREFIXED("defined-networking-token", "DefinedNetworking", "Defined Networking API token",
		 "HIGH", "\\b(dnkey-[0-9a-z=_-]{26}-[0-9a-z=_-]{52})" EB),
	PREFIXED("duffel-api-token", "Duffel", "Duffel API token", "HIGH",
		 "\\b(duffel_(?:test|live)_[0-9A-Za-z_=-]{43})" EB),
	PREFIXED("infracost-api-token", "Infracost", "Infracost API token", "HIGH",
		 "\\b(ico-[0-9A-Za-z]{32})\\b"),
	PREFIXED("maxmind-license-key", "MaxMind", "MaxMind license key", "MEDIUM",
		 "\\b([0-9A-Za-z]{6}_[0-9A-Za-z]{29}_mmk)\\b"),
	PREFIXED("msteams-webhook-url", "Microsoft", "Microsoft Teams incoming webhook", "MEDIUM",
		 "\\.webhook\\.office\\.com/webhookb2/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/"
		 "([0-9a-z]{32}/[0-9a-f-]{36})"),
	PREFIXED("openshift-user-token", "OpenShift", "OpenShift user token", "HIGH",
		 "\\b(sha256~[0-9A-Za-z_-]{43})" EB),
	PREFIXED(
		"plaid-access-token", "Plaid", "Plaid access token", "HIGH",
		"\\baccess-(?:sandbox|development|production)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
		"[0-9a-f]{4}-[0-9a-f]{12})\\b"),
	PREFIXED("brevo-api-key", "Brevo", "Brevo (Sendinblue) API key", "HIGH",
		 "\\b(xkeysib-[0-9a-f]{64}-[0-9A-Za-z]{16})\\b"),
	PREFIXED("brevo-smtp-key", "Brevo", "Brevo (Sendinblue) SMTP key", "HIGH",
		 "\\b(xsmtpsib-[0-9a-f]{64}-[0-9A-Za-z]{16})\\b"),
	PREFIXED("settlemint-token", "SettleMint", "SettleMint access token", "HIGH",
		 "\\b(sm_(?:pat|aat|sat)_[0-9A-Za-z]{16})\\b"),
	RULE("sidekiq-secret", "Sidekiq", "Sidekiq Pro/Enterprise credentials", "HIGH",
	     "(?i)(?:BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM" ASSIGN
	     "|(?:enterprise|gems)\\.contribsys\\.com\\s{1,4})([0-9a-f]{8}:[0-9a-f]{8})\\b",
	     NULL, 2.5),
	RULE("sidekiq-url", "Sidekiq", "Sidekiq Pro/Enterprise gem source with credentials", "HIGH",
	     "https?://([0-9a-f]{8}:[0-9a-f]{8})@(?:gems|enterprise)\\.contribsys\\.com", NULL,
	     2.5),
	PREFIXED("sourcegraph-token", "Sourcegraph", "Sourcegraph access token", "HIGH",
		 "\\b(sgp_(?:[0-9a-f]{16}_)?[0-9a-f]{40})\\b"),
	PREFIXED("yandex-api-key", "Yandex", "Yandex Cloud API key", "HIGH",
		 "\\b(AQVN[0-9A-Za-z_-]{35,38})" EB),
	PREFIXED("yandex-iam-token", "Yandex", "Yandex Cloud IAM token", "HIGH",
		 "\\b(t1\\.[0-9A-Za-z_-]{10,100}={0,2}\\.[0-9A-Za-z_-]{86}={0,2})"),
	RULE("yandex-static-key", "Yandex", "Yandex Cloud static access key", "HIGH",
	     "\\b(YC[0-9A-Za-z_-]{38})" EB, "yandex", 3.5),
	PREFIXED("private-packagist-token", "PrivatePackagist", "Private Packagist token", "HIGH",
		 "\\b(packagist_[ou][ru]t_[0-9a-f]{68})\\b"),
	RULE("azure-container-registry-password", "Azure", "Azure Container Registry password",
	     "HIGH", "\\b([0-9A-Za-z+/]{42}\\+ACR[0-9A-Za-z+/]{6})" EB64, NULL, 3.5),
	PREFIXED("stripe-test-secret-key", "Stripe", "Stripe test secret key", "LOW",
		 "(sk_test_[0-9A-Za-z]{24,99})\\b"),
	PREFIXED("stripe-test-restricted-key", "Stripe", "Stripe test restricted key", "LOW",
		 "(rk_test_[0-9A-Za-z]{24,99})\\b"),
	PREFIXED("mapbox-public-token", "Mapbox", "Mapbox public token", "LOW",
		 "\\b(pk\\.eyJ1Ijoi[0-9A-Za-z_-]{20,200}\\.[0-9A-Za-z_-]{20,100})" EB),
	PREFIXED("flutterwave-public-key", "Flutterwave", "Flutterwave public key", "LOW",
		 "\\b(FLWPUBK(?:_TEST)?-[0-9a-h]{32}-X)\\b"),
	PREFIXED("easypost-test-key", "EasyPost", "EasyPost test API key", "LOW",
		 "\\b(EZTK[0-9A-Za-z]{54})\\b"),
	PREFIXED("shippo-test-token", "Shippo", "Shippo test API token", "LOW",
		 "\\b(shippo_test_[0-9a-f]{40})\\b"),
	RULE("vault-legacy-token", "HashiCorp", "HashiCorp Vault service token (legacy)", "HIGH",
	     "\\b(s\\.[0-9A-Za-z]{24})\\b", "vault", 3.5),
	PREFIXED("aws-bedrock-key", "AWS", "Amazon Bedrock long-term API key", "CRITICAL",
		 "\\b(ABSK[0-9A-Za-z+/]{109,269}={0,2})"),
	PREFIXED("aws-bedrock-short-term-key", "AWS", "Amazon Bedrock short-term API key", "HIGH",
		 "\\b(bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[0-9A-Za-z+/]{50,1800}={0,2})"),
	PREFIXED("onepassword-secret-key", "1Password", "1Password account secret key", "CRITICAL",
		 "\\b(A3-[0-9A-Z]{6}-(?:[0-9A-Z]{11}|[0-9A-Z]{6}-[0-9A-Z]{5})-[0-9A-Z]{5}-[0-9A-Z]{"
		 "5}-"
		 "[0-9A-Z]{5})\\b"),
	PREFIXED("tailscale-key", "Tailscale", "Tailscale auth, API or OAuth client key", "HIGH",
		 "\\b(tskey-(?:auth|api|client|webhook|scim)-[0-9A-Za-z]{6,24}-[0-9A-Za-z]{20,64})"
		 "\\b"),
	PREFIXED("clickhouse-cloud-secret", "ClickHouse", "ClickHouse Cloud API secret", "HIGH",
		 "\\b(4b1d[0-9A-Za-z]{38})\\b"),
	PREFIXED("hubspot-private-app-token", "HubSpot", "HubSpot private app token", "HIGH",
		 "\\b(pat-(?:na|eu)[0-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{"
		 "12})"
		 "\\b"),
	RULE("gocardless-token", "GoCardless", "GoCardless access token", "HIGH",
	     "\\b(live_[0-9A-Za-z_=-]{40})" EB, "gocardless", 3.5),
	RULE("lob-api-key", "Lob", "Lob API key", "HIGH", "\\b((?:live|test)_[0-9a-f]{35})\\b",
	     "lob", 3.0),
	RULE("lob-publishable-key", "Lob", "Lob publishable key", "LOW",
	     "\\b((?:live|test)_pub_[0-9a-f]{31})\\b", "lob", 3.0),
	RULE("beamer-api-token", "Beamer", "Beamer API token", "HIGH",
	     "\\b(b_[0-9A-Za-z=_-]{44})" EB, "beamer", 3.5),
	RULE("dropbox-token", "Dropbox", "Dropbox access token", "HIGH",
	     "\\b(sl\\.(?:u\\.)?[0-9A-Za-z=_-]{130,1000})" EB, "dropbox", 3.5),
	RULE("asana-pat", "Asana", "Asana personal access token", "HIGH",
	     "\\b([12]/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32})\\b", "asana", 3.0),
	/* ---- more providers: a key name next to a value of the documented shape ---- */
	KEYED("algolia-admin-key", "Algolia", "Algolia admin API key", "HIGH", "algolia",
	      "[0-9a-f]{32}"),
	KEYED("bittrex-key", "Bittrex", "Bittrex API key or secret", "HIGH", "bittrex",
	      "[0-9a-z]{32}"),
	KEYED("codecov-token", "Codecov", "Codecov upload token", "MEDIUM", "codecov", UUID),
	KEYED("cohere-api-key", "Cohere", "Cohere API key", "HIGH", "cohere|co_api",
	      "[0-9A-Za-z]{40}"),
	KEYED("coinbase-token", "Coinbase", "Coinbase API token", "HIGH", "coinbase",
	      "[0-9a-z_-]{64}"),
	KEYED("confluent-secret", "Confluent", "Confluent Cloud API secret", "HIGH", "confluent",
	      "[0-9A-Za-z+/]{64}"),
	KEYED("drone-ci-token", "Drone", "Drone CI access token", "HIGH", "drone",
	      "[0-9A-Za-z]{32}"),
	KEYED("etsy-api-key", "Etsy", "Etsy API key", "HIGH", "etsy", "[0-9a-z]{24}"),
	KEYED("finicity-secret", "Finicity", "Finicity app key or secret", "HIGH", "finicity",
	      "[0-9a-f]{32}|[0-9a-z]{20}"),
	KEYED("finnhub-token", "Finnhub", "Finnhub API token", "MEDIUM", "finnhub", "[0-9a-z]{20}"),
	KEYED("flickr-api-key", "Flickr", "Flickr API key", "MEDIUM", "flickr", "[0-9a-z]{32}"),
	KEYED("freshbooks-token", "FreshBooks", "FreshBooks access token", "HIGH", "freshbooks",
	      "[0-9a-z]{64}"),
	KEYED("gitter-token", "Gitter", "Gitter access token", "MEDIUM", "gitter",
	      "[0-9a-z_-]{40}"),
	KEYED("hubspot-api-key", "HubSpot", "HubSpot API key", "HIGH", "hubspot", UUID),
	KEYED("intercom-token", "Intercom", "Intercom access token", "HIGH", "intercom",
	      "[0-9A-Za-z=_-]{60}"),
	KEYED("kraken-secret", "Kraken", "Kraken API secret", "CRITICAL", "kraken",
	      "[0-9A-Za-z/=_+-]{80,90}"),
	KEYED("kucoin-key", "KuCoin", "KuCoin API key", "HIGH", "kucoin", "[0-9a-f]{24}"),
	KEYED("launchdarkly-key", "LaunchDarkly", "LaunchDarkly access token or SDK key", "HIGH",
	      "launchdarkly|launch_darkly", "(?:api|sdk|mob)-" UUID),
	KEYED("linkedin-client-secret", "LinkedIn", "LinkedIn client secret", "HIGH",
	      "linkedin|linked_in", "[0-9A-Za-z]{16}"),
	KEYED("looker-client-secret", "Looker", "Looker API client secret", "HIGH", "looker",
	      "[0-9A-Za-z]{24}"),
	KEYED("mattermost-token", "Mattermost", "Mattermost access token", "HIGH", "mattermost",
	      "[0-9a-z]{26}"),
	KEYED("meraki-api-key", "Cisco", "Cisco Meraki API key", "HIGH", "meraki", "[0-9a-f]{40}"),
	KEYED("messagebird-key", "MessageBird", "MessageBird API key", "HIGH",
	      "messagebird|message_bird", "[0-9A-Za-z]{25}"),
	KEYED("nytimes-api-key", "NYTimes", "New York Times API key", "MEDIUM",
	      "nytimes|new_york_times|newyorktimes", "[0-9A-Za-z=_-]{32}"),
	KEYED("private-ai-key", "PrivateAI", "Private AI API key", "HIGH", "private_?ai",
	      "[0-9a-z]{32}"),
	KEYED("rapidapi-key", "RapidAPI", "RapidAPI key", "HIGH", "rapid_?api",
	      "[0-9A-Za-z_-]{50}"),
	KEYED("sendbird-token", "Sendbird", "Sendbird access token", "HIGH", "sendbird",
	      "[0-9a-f]{40}"),
	KEYED("squarespace-token", "Squarespace", "Squarespace API key", "HIGH", "squarespace",
	      UUID),
	KEYED("sumologic-access-key", "SumoLogic", "Sumo Logic access key", "HIGH", "sumo",
	      "[0-9A-Za-z]{64}"),
	KEYED("travisci-token", "TravisCI", "Travis CI access token", "HIGH", "travis",
	      "[0-9A-Za-z]{22}"),
	KEYED("twitch-token", "Twitch", "Twitch API token", "HIGH", "twitch", "[0-9a-z]{30}"),
	KEYED("zendesk-secret", "Zendesk", "Zendesk API token", "HIGH", "zendesk",
	      "[0-9A-Za-z]{40}"),
	KEYED("discord-client-secret", "Discord", "Discord client secret", "HIGH",
	      "discord[a-z_]{0,20}secret", "[0-9A-Za-z_-]{32}"),
	/* an application's id is not secret by itself, but it sits next to the secret: LOW */
	RULEX("discord-client-id", "Discord", "Discord client (application) ID", "LOW",
	      "(?i)(?:^|[^a-z0-9])discord[a-z_.-]{0,20}(?:client|app(?:lication)?)_?id" ASSIGN
	      "([0-9]{17,20})\\b",
	      NULL, 2.5, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_NONE),
	/* Freemius: the secret key of the SDK's fs_dynamic_init() array (PHP) */
	RULE("freemius-secret-key", "Freemius", "Freemius secret key", "HIGH",
	     "[\"']secret_key[\"']\\s{0,4}=>\\s{0,4}[\"'](sk_[!#-&(-~]{29})[\"']", NULL, 3.5),
	KEYED("twitter-api-secret", "Twitter", "Twitter / X API secret", "HIGH",
	      "twitter[a-z_]{0,20}secret", "[0-9A-Za-z]{50}"),
	KEYED("twitter-api-key", "Twitter", "Twitter / X API key", "MEDIUM",
	      "twitter[a-z_]{0,20}(?:api|consumer)_?key", "[0-9A-Za-z]{25}"),
	KEYED("twitter-access-token", "Twitter", "Twitter / X access token", "HIGH",
	      "twitter[a-z_]{0,20}access_?token", "[0-9]{15,25}-[0-9A-Za-z]{20,40}"),
	KEYED("airtable-api-key", "Airtable", "Airtable API key (legacy)", "HIGH", "airtable",
	      "key[0-9A-Za-z]{14}"),
	/* ---- frameworks' own secrets ---- */
	RULE("laravel-app-key", "Framework", "Laravel APP_KEY", "HIGH",
	     "\\bAPP_KEY\\s{0,4}=\\s{0,4}[\"']?base64:([A-Za-z0-9+/]{43}=)", NULL, 3.5),
	RULE("symfony-app-secret", "Framework", "Symfony APP_SECRET", "HIGH",
	     "\\bAPP_SECRET\\s{0,4}=\\s{0,4}[\"']?([0-9a-f]{32})\\b", NULL, 3.0),
	RULE("django-secret-key", "Framework", "Django SECRET_KEY", "HIGH",
	     "\\bSECRET_KEY\\s{0,4}=\\s{0,4}[\"']((?:django-insecure-)?[^\\s\"'$]{40,100})[\"']",
	     NULL, 4.0),
	RULE("rails-secret-key-base", "Framework", "Rails secret_key_base", "HIGH",
	     "(?i)secret_key_base" ASSIGN "([0-9a-f]{64,256})\\b", NULL, 3.0),
	/* ---- command lines with credentials ---- */
	RULE("curl-basic-auth", "CommandLine", "curl command with a user and password", "HIGH",
	     "\\bcurl\\b[^\\r\\n]{0,200}\\s(?:-u|--user)\\s{1,4}[\"']?[^\\s:\"'$]{1,64}:([^\\s\"'$]"
	     "{6,128})",
	     NULL, 3.0),
	RULE("curl-auth-header", "CommandLine", "curl command with an authorization header", "HIGH",
	     "\\bcurl\\b[^\\r\\n]{0,200}\\s(?:-H|--header)\\s{1,4}\\\\?[\"']?(?i:authorization|x-"
	     "api-key|"
	     "private-token):\\s{0,4}(?i:bearer\\s|basic\\s|token\\s)?([^\\s\"'$\\\\]{12,512})",
	     NULL, 3.5),
	/* ---- credentials in configuration files, by path ---- */
	RULEX("kubernetes-dockerconfigjson", "Kubernetes",
	      "Docker credentials in a Kubernetes Secret", "HIGH",
	      "\\.docker(?:configjson|cfg)[\"']?\\s{0,4}:\\s{0,4}[\"']?([A-Za-z0-9+/"
	      "]{40,1800}={0,2})",
	      NULL, 3.5, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_NONE),
	/* a Secret manifest's data: block: each value is decoded and scanned by every rule
	 * (the finding is on the value's line); a value under a secret-sounding name that no
	 * rule recognises is reported by this rule. stringData: values are plain text, which
	 * every rule already reads; a secret-named one is reported by this rule too. */
	RULEX("kubernetes-secret-data", "Kubernetes", "Value of a Kubernetes Secret", "HIGH",
	      "^[ \\t]{0,16}(?:- )?(data|stringData):[ \\t]{0,8}\\r?$", NULL, 0, NULL, NULL,
	      VIGIL_SECRET_SCOPE_FILE, VIGIL_SECRET_CHECK_K8SDATA),
	RULEX("maven-settings-password", "SensitiveFile", "Password in Maven settings", "HIGH",
	      "<(?:password|passphrase|master)>([^<\\s$]{6,256})</(?:password|passphrase|master)>",
	      NULL, 3.0,
	      "settings.xml */settings.xml settings-security.xml */settings-security.xml", NULL,
	      VIGIL_SECRET_SCOPE_FILE, VIGIL_SECRET_CHECK_NONE),
	/* ---- tokens with a structure ---- */
	RULEX("jwt", "JWT", "JSON Web Token", "MEDIUM",
	      "\\b(eyJ[0-9A-Za-z_-]{8,300}\\.eyJ[0-9A-Za-z_-]{8,1200}\\.[0-9A-Za-z_-]{16,400})" EB,
	      NULL, 3.0, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_JWT),
	/* a JWT wrapped in base64 again ("eyJ" encodes to "ZXlK"): a Kubernetes token file
	 * copied into a config, a CI variable */
	RULEX("jwt-base64", "JWT", "JSON Web Token, base64-encoded", "MEDIUM",
	      "\\b(ZXlK[0-9A-Za-z+/]{40,2000}={0,2})" EB64, NULL, 3.0, NULL, NULL,
	      VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_JWTB64),
	/* ---- private keys ---- */
	PEM("private-key-rsa", "RSA private key", "RSA PRIVATE KEY"),
	PEM("private-key-ec", "EC private key", "EC PRIVATE KEY"),
	PEM("private-key-dsa", "DSA private key", "DSA PRIVATE KEY"),
	PEM("private-key-openssh", "OpenSSH private key", "OPENSSH PRIVATE KEY"),
	PEM("private-key-pkcs8", "PKCS#8 private key", "PRIVATE KEY"),
	PEM("private-key-encrypted", "Encrypted PKCS#8 private key", "ENCRYPTED PRIVATE KEY"),
	PEM("private-key-pgp", "PGP private key block", "PGP PRIVATE KEY BLOCK"),
	PEM("private-key-ssh2", "SSH2 encrypted private key", "SSH2 ENCRYPTED PRIVATE KEY"),
	RULEX("private-key-putty", "PrivateKey", "PuTTY private key", "CRITICAL",
	      "\\bPrivate-Lines: [0-9]{1,3}" NL "([A-Za-z0-9+/]{40,76}" NL "[A-Za-z0-9+/=]{4,76})",
	      NULL, 0, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_PEMBODY),
	/* ---- URLs with credentials ---- */
	DBURL("postgres-url", "Database", "PostgreSQL URL with a password", "postgres(?:ql)?"),
	DBURL("mysql-url", "Database", "MySQL URL with a password", "mysqlx?"),
	DBURL("mongodb-url", "Database", "MongoDB URL with a password", "mongodb(?:\\+srv)?"),
	DBURL("redis-url", "Database", "Redis URL with a password", "rediss?"),
	DBURL("amqp-url", "Database", "AMQP (RabbitMQ) URL with a password", "amqps?"),
	DBURL("mssql-url", "Database", "SQL Server URL with a password", "(?:mssql|sqlserver)"),
	DBURL("clickhouse-url", "Database", "ClickHouse URL with a password", "clickhouse"),
	DBURL("basic-auth-url", "URL", "URL with a user name and password",
	      "(?:https?|ftps?|sftp|smtps?|ldaps?|git|svn|ssh|wss?)"),
	/* ---- files with credentials, by content ---- */
	RULEX("npmrc-auth-token", "SensitiveFile", ".npmrc with a registry credential", "HIGH",
	      "(?:_authToken|_auth|_password)\\s{0,4}=\\s{0,4}[\"']?([^\\s\"']{8,512})", NULL, 0,
	      ".npmrc */.npmrc", NULL, VIGIL_SECRET_SCOPE_FILE, VIGIL_SECRET_CHECK_NONE),
	RULEX("pypirc-password", "SensitiveFile", ".pypirc with a password", "HIGH",
	      "(?i)^[ \\t]{0,8}password[ \\t]{0,4}[:=][ \\t]{0,4}([^\\s]{6,256})", NULL, 0,
	      ".pypirc", NULL, VIGIL_SECRET_SCOPE_FILE, VIGIL_SECRET_CHECK_NONE),
	RULEX("docker-config-auth", "SensitiveFile", "Docker registry credentials", "HIGH",
	      "\"(?:auth|identitytoken)\"\\s{0,4}:\\s{0,4}\"([A-Za-z0-9+/=_.-]{8,1024})\"", NULL, 0,
	      "*/.docker/config.json */.dockercfg", NULL, VIGIL_SECRET_SCOPE_FILE,
	      VIGIL_SECRET_CHECK_NONE),
	/* ---- environment variables of the image config ---- */
	RULEX("secret-env-var", "Environment", "Secret in an environment variable", "HIGH",
	      "(?i)(?:^|[\\s|;&])[A-Z0-9_]{0,40}(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?"
	      "KEY|"
	      "PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]{0,40}=([^\\s]{8,256})",
	      NULL, 3.0, NULL, NULL, VIGIL_SECRET_SCOPE_CONFIG, VIGIL_SECRET_CHECK_URLPASS),
	/* ---- generic (off by default) ---- */
	{"generic-password", "Generic", "Password assignment", "MEDIUM",
	 "(?i)(?:password|passwd|pwd)" ASSIGN "([^\\s\"'$<{]{8,128})[\"']?", 1, NULL, 3.0, NULL,
	 NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_NONE, 1},
	{"generic-api-key", "Generic", "API key or secret assignment", "MEDIUM",
	 "(?i)(?:api_?key|api_?secret|secret_?key|access_?token|auth_?token|client_?secret)" ASSIGN
	 "([0-9A-Za-z_./+=-]{16,128})",
	 1, NULL, 3.5, NULL, NULL, VIGIL_SECRET_SCOPE_ANY, VIGIL_SECRET_CHECK_NONE, 1},
};

const size_t vigil_secret__builtin_count = VIGIL_ARRAY_LEN(vigil_secret__builtin);
