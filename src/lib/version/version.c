/*
 * version.c - the public face of the version module: scheme names, dispatch to the
 * per-scheme comparators and range matchers, and plain comparator lists
 * (">= 1.0, < 2.0", "<< 2.0", "~1.2" for apk) usable with every scheme.
 */
#include <string.h>
#include <strings.h>

#include "vcmp.h"

int vigil_version__numcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c;

	while (an && *a == '0')
		a++, an--;
	while (bn && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	c = an ? memcmp(a, b, an) : 0;
	return c < 0 ? -1 : c > 0;
}

vop vigil_version__op(const char **s)
{
	const char *p = *s;
	vop op = VOP_EQ;

	if (p[0] == '=' && p[1] == '=')
		p += 2;
	else if (p[0] == '=')
		p += 1;
	else if (p[0] == '!' && p[1] == '=')
		op = VOP_NE, p += 2;
	else if (p[0] == '<' && (p[1] == '=' || p[1] == '<'))
		op = p[1] == '=' ? VOP_LE : VOP_LT, p += 2;
	else if (p[0] == '>' && (p[1] == '=' || p[1] == '>'))
		op = p[1] == '=' ? VOP_GE : VOP_GT, p += 2;
	else if (p[0] == '<')
		op = VOP_LT, p += 1;
	else if (p[0] == '>')
		op = VOP_GT, p += 1;
	*s = p;
	return op;
}

int vigil_version__op_holds(vop op, int c)
{
	switch (op) {
	case VOP_EQ:
		return c == 0;
	case VOP_NE:
		return c != 0;
	case VOP_LT:
		return c < 0;
	case VOP_LE:
		return c <= 0;
	case VOP_GT:
		return c > 0;
	case VOP_GE:
		return c >= 0;
	}
	return 0;
}

static const struct {
	const char *name;
	vigil_vscheme scheme;
} scheme_names[] = {
	{"deb", VIGIL_VS_DPKG},
	{"dpkg", VIGIL_VS_DPKG},
	{"debian", VIGIL_VS_DPKG},
	{"ubuntu", VIGIL_VS_DPKG},
	{"apk", VIGIL_VS_APK},
	{"alpine", VIGIL_VS_APK},
	{"alpaquita", VIGIL_VS_APK},
	{"wolfi", VIGIL_VS_APK},
	{"chainguard", VIGIL_VS_APK},
	{"minimos", VIGIL_VS_APK},
	{"rpm", VIGIL_VS_RPM},
	{"red hat", VIGIL_VS_RPM},
	{"redhat", VIGIL_VS_RPM},
	{"rhel", VIGIL_VS_RPM},
	{"almalinux", VIGIL_VS_RPM},
	{"rocky linux", VIGIL_VS_RPM},
	{"suse", VIGIL_VS_RPM},
	{"opensuse", VIGIL_VS_RPM},
	{"suse linux enterprise", VIGIL_VS_RPM},
	{"mariner", VIGIL_VS_RPM},
	{"azure linux", VIGIL_VS_RPM},
	{"amazon linux", VIGIL_VS_RPM},
	{"oracle linux", VIGIL_VS_RPM},
	{"fedora", VIGIL_VS_RPM},
	{"centos", VIGIL_VS_RPM},
	{"photon os", VIGIL_VS_RPM},
	{"mageia", VIGIL_VS_RPM},
	{"openeuler", VIGIL_VS_RPM},
	{"semver", VIGIL_VS_SEMVER},
	{"npm", VIGIL_VS_SEMVER},
	{"cargo", VIGIL_VS_SEMVER},
	{"crates.io", VIGIL_VS_SEMVER},
	{"nuget", VIGIL_VS_NUGET},
	{"hex", VIGIL_VS_SEMVER},
	{"pub", VIGIL_VS_SEMVER},
	{"swifturl", VIGIL_VS_SEMVER},
	{"pypi", VIGIL_VS_PEP440},
	{"pep440", VIGIL_VS_PEP440},
	{"maven", VIGIL_VS_MAVEN},
	{"gem", VIGIL_VS_GEM},
	{"rubygems", VIGIL_VS_GEM},
	{"composer", VIGIL_VS_COMPOSER},
	{"packagist", VIGIL_VS_COMPOSER},
	{"go", VIGIL_VS_GO},
	{"golang", VIGIL_VS_GO},
	{"generic", VIGIL_VS_GENERIC},
};

vigil_vscheme vigil_version_scheme(const char *type_or_ecosystem)
{
	size_t n;

	if (!type_or_ecosystem)
		return VIGIL_VS_GENERIC;
	/* OSV ecosystems may carry a release: "Debian:12", "Alpine:v3.20". */
	n = strcspn(type_or_ecosystem, ":");
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(scheme_names); i++)
		if (strlen(scheme_names[i].name) == n &&
		    strncasecmp(scheme_names[i].name, type_or_ecosystem, n) == 0)
			return scheme_names[i].scheme;
	return VIGIL_VS_GENERIC;
}

typedef int (*cmp_fn)(int *out, const char *a, const char *b);

static cmp_fn scheme_cmp(vigil_vscheme scheme)
{
	switch (scheme) {
	case VIGIL_VS_DPKG:
		return vigil_version__dpkg_cmp;
	case VIGIL_VS_APK:
		return vigil_version__apk_cmp;
	case VIGIL_VS_RPM:
		return vigil_version__rpm_cmp;
	case VIGIL_VS_SEMVER:
		return vigil_version__semver_cmp;
	case VIGIL_VS_PEP440:
		return vigil_version__pep440_cmp;
	case VIGIL_VS_MAVEN:
		return vigil_version__maven_cmp;
	case VIGIL_VS_GEM:
		return vigil_version__gem_cmp;
	case VIGIL_VS_COMPOSER:
		return vigil_version__composer_cmp;
	case VIGIL_VS_GO:
		return vigil_version__go_cmp;
	case VIGIL_VS_NUGET:
		return vigil_version__nuget_cmp;
	case VIGIL_VS_GENERIC:
		break;
	}
	return vigil_version__generic_cmp;
}

int vigil_version_compare(int *out, vigil_vscheme scheme, const char *a, const char *b)
{
	int error;

	if (!out)
		return VIGIL_EINVAL;
	*out = 0;
	if (!a || !b)
		return VIGIL_EINVAL;
	error = scheme_cmp(scheme)(out, a, b);
	*out = (*out > 0) - (*out < 0);
	return error;
}

/* Copies the run [s, e) into buf as a C string; VIGIL_EFORMAT when empty or too long. */
static int take(char buf[VIGIL_VERSION_MAX], const char *s, const char *e)
{
	size_t n = (size_t)(e - s);
	if (n == 0 || n >= VIGIL_VERSION_MAX)
		return VIGIL_EFORMAT;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

/* One AND-list of comparators, [s, e). */
static int plain_and(int *out, vigil_vscheme scheme, const char *version, const char *s,
		     const char *e)
{
	char buf[VIGIL_VERSION_MAX];
	int any = 0, ok = 1, error = 0;

	for (;;) {
		const char *v;
		int fuzzy = 0, c, ce;
		vop op;

		while (s < e && (vigil_version__space((unsigned char)*s) || *s == ','))
			s++;
		if (s >= e)
			break;
		if (scheme == VIGIL_VS_APK && *s == '~')
			fuzzy = 1, s++;
		op = vigil_version__op(&s);
		if (scheme == VIGIL_VS_APK && !fuzzy && s < e && *s == '~')
			fuzzy = 1, s++;
		while (s < e && vigil_version__space((unsigned char)*s))
			s++;
		v = s;
		while (s < e && !vigil_version__space((unsigned char)*s) && *s != ',')
			s++;
		if ((error = take(buf, v, s)) < 0)
			return error;
		if (fuzzy) {
			/* apk's "<~" and ">~" also accept a fuzzy match */
			op = op == VOP_LT ? VOP_LE : op == VOP_GT ? VOP_GE : op;
			ce = vigil_version__apk_cmp_fuzzy(&c, version, buf, 1);
		} else {
			ce = vigil_version_compare(&c, scheme, version, buf);
		}
		/* apk orders even invalid versions (by string); other schemes refuse them */
		if (ce < 0 && scheme != VIGIL_VS_APK)
			error = ce;
		if (!vigil_version__op_holds(op, c))
			ok = 0;
		any = 1;
	}
	if (!any)
		return VIGIL_EFORMAT;
	*out = ok;
	return error;
}

int vigil_version__plain_satisfies(int *out, vigil_vscheme scheme, const char *version,
				   const char *constraint)
{
	const char *s = constraint;
	int any = 0, error;

	*out = 0;
	for (;;) {
		const char *bar = strstr(s, "||");
		const char *e = bar ? bar : s + strlen(s);
		int ok;

		if ((error = plain_and(&ok, scheme, version, s, e)) < 0)
			return error;
		any |= ok;
		if (!bar)
			break;
		s = bar + 2;
	}
	*out = any;
	return 0;
}

int vigil_version_satisfies(int *out, vigil_vscheme scheme, const char *version,
			    const char *constraint)
{
	const char *p;

	if (!out)
		return VIGIL_EINVAL;
	*out = 0;
	if (!version || !constraint)
		return VIGIL_EINVAL;
	switch (scheme) {
	case VIGIL_VS_SEMVER:
		return vigil_version__npm_satisfies(out, version, constraint);
	case VIGIL_VS_PEP440:
		return vigil_version__pep440_satisfies(out, version, constraint);
	case VIGIL_VS_GEM:
		return vigil_version__gem_satisfies(out, version, constraint);
	case VIGIL_VS_COMPOSER:
		return vigil_version__composer_satisfies(out, version, constraint);
	case VIGIL_VS_MAVEN:
		for (p = constraint; vigil_version__space((unsigned char)*p); p++)
			;
		if (*p == '[' || *p == '(')
			return vigil_version__maven_satisfies(out, version, constraint);
		break;
	default:
		break;
	}
	return vigil_version__plain_satisfies(out, scheme, version, constraint);
}
