/* Vigil dashboard: plain JS, no framework, no third-party code. Every value from the API
 * is put into the page as text (textContent), never as HTML. The token lives in
 * sessionStorage (this tab only) and is sent as a Bearer header. docs/dashboard.md. */
'use strict';

const SEVS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE', 'UNKNOWN'];
const COLORS = { CRITICAL: '#9b1c1c', HIGH: '#d9480f', MEDIUM: '#e0a000', LOW: '#2f6fb5',
  NEGLIGIBLE: '#7d8b99', UNKNOWN: '#a0a8b0' };
const TOKEN_KEY = 'vigil.token';
const SVGNS = 'http://www.w3.org/2000/svg';

/* ---- small DOM helpers ---- */
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of kids.flat(Infinity)) if (c) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
const num = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
const short = (d) => (d ? d.replace(/^sha256:/, '').slice(0, 12) : '');
const when = (t) => (t ? new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '–');
const sevBadge = (s) => el('span', { class: 'sev sev-' + (SEVS.includes(s) ? s : 'UNKNOWN') }, s || 'UNKNOWN');
const sevRank = (s) => String(SEVS.length - Math.max(0, SEVS.indexOf(s)));
const sevCell = (s) => el('td', { 'data-sort': sevRank(s) }, sevBadge(s));
const imageName = (img) => (img.repository || '') + (img.tags && img.tags.length ? ':' + img.tags.join(', ') : '') || short(img.digest);
const imageLink = (img) => el('a', { href: '#/image/' + img.digest, class: 'image-link' }, imageName(img) || short(img.digest));
const vulnLink = (id) => el('a', { href: '#/vuln/' + encodeURIComponent(id), class: 'vuln-link' }, id);
const total = (c) => SEVS.reduce((a, s) => a + ((c && c[s]) || 0), 0);
function metric(key, value) { return el('span', { 'data-k': key }, num(value)); }

/* ---- API ---- */
class HttpError extends Error {
  constructor(status, msg) { super(msg); this.status = status; }
}
async function api(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const r = await fetch(path, { headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
    cache: 'no-store', credentials: 'omit' });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (r.status === 401) { logout('The token was refused (401): log in again.'); throw new HttpError(401, 'unauthorized'); }
  if (!r.ok) throw new HttpError(r.status, (body && body.error && body.error.message) || ('HTTP ' + r.status));
  return body;
}

/* ---- login ---- */
function showLogin(msg) {
  document.getElementById('login').hidden = false;
  document.getElementById('main').hidden = true;
  document.getElementById('nav').hidden = true;
  const e = document.getElementById('login-error');
  e.hidden = !msg;
  e.textContent = msg || '';
  document.getElementById('token').focus();
}
function logout(msg) {
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin(msg);
}
async function login(ev) {
  ev.preventDefault();
  const input = document.getElementById('token');
  const token = input.value.trim();
  input.value = '';
  if (!token) return;
  /* check the token before keeping it */
  let r;
  try {
    r = await fetch('/api/v1/overview', { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' });
  } catch (e) {
    showLogin('The server cannot be reached.');
    return;
  }
  if (r.status === 401) { showLogin('Login failed: the token was refused.'); return; }
  if (r.status === 403) { showLogin('Login failed: the token lacks the read scope.'); return; }
  if (!r.ok) { showLogin('Login failed: HTTP ' + r.status + '.'); return; }
  sessionStorage.setItem(TOKEN_KEY, token);
  route();
}

/* ---- charts (SVG, drawn here) ---- */
function severityBars(counts, prefix) {
  const max = Math.max(1, ...SEVS.map((s) => counts[s] || 0));
  const w = 420, rowH = 24, lab = 96, numW = 60;
  const g = svg('svg', { viewBox: `0 0 ${w} ${SEVS.length * rowH}`, width: '100%', role: 'img',
    'aria-label': 'findings by severity', class: 'sev-chart' });
  SEVS.forEach((s, i) => {
    const v = counts[s] || 0, bw = Math.round(((w - lab - numW) * v) / max);
    g.append(svg('text', { x: 0, y: i * rowH + 16 }, s));
    g.append(svg('rect', { x: lab, y: i * rowH + 5, width: Math.max(bw, v ? 2 : 0), height: rowH - 10, fill: COLORS[s], rx: 2 }));
    const t = svg('text', { x: lab + bw + 6, y: i * rowH + 16, 'data-k': prefix + '.' + s }, String(v));
    g.append(t);
  });
  return g;
}

function trendChart(points) {
  const w = 640, h = 220, padL = 44, padB = 24, padT = 10, padR = 10;
  const g = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: '100%', role: 'img', 'aria-label': 'findings over time',
    class: 'trend-chart', 'data-points': String(points.length) });
  if (!points.length) {
    g.append(svg('text', { x: w / 2 - 60, y: h / 2 }, 'no history yet'));
    return g;
  }
  const t0 = points[0].time, t1 = points[points.length - 1].time;
  const max = Math.max(1, ...points.map((p) => Math.max(...SEVS.map((s) => p[s] || 0))));
  const x = (t) => padL + (t1 === t0 ? (w - padL - padR) / 2 : ((t - t0) * (w - padL - padR)) / (t1 - t0));
  const y = (v) => h - padB - (v * (h - padB - padT)) / max;
  for (let i = 0; i <= 4; i++) {
    const v = Math.round((max * i) / 4);
    g.append(svg('line', { x1: padL, x2: w - padR, y1: y(v), y2: y(v), stroke: '#e3e8ee' }));
    g.append(svg('text', { x: 4, y: y(v) + 4 }, String(v)));
  }
  g.append(svg('text', { x: padL, y: h - 6 }, when(t0)));
  if (t1 !== t0) g.append(svg('text', { x: w - padR - 150, y: h - 6 }, when(t1)));
  for (const s of SEVS) {
    if (!points.some((p) => p[s])) continue;
    /* a step line: the totals hold until the next entry */
    let d = '';
    points.forEach((p, i) => {
      const px = x(p.time).toFixed(1), py = y(p[s] || 0).toFixed(1);
      if (i === 0) d += `M${px},${py}`;
      else d += `H${px}V${py}`;
      if (points.length === 1) d += `M${px - 3},${py}h6`;
    });
    g.append(svg('path', { d, fill: 'none', stroke: COLORS[s], 'stroke-width': 2, class: 'trend-' + s }));
    const last = points[points.length - 1];
    g.append(svg('circle', { cx: x(last.time), cy: y(last[s] || 0), r: 3, fill: COLORS[s] }));
  }
  return g;
}

function legend() {
  return el('div', { class: 'chart-legend' }, SEVS.map((s) => el('span', {}, el('span', { class: 'swatch sw-' + s }), s)));
}

/* ---- pages ---- */
const main = () => document.getElementById('main');
function setPage(name, ...kids) {
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === name);
  const m = main();
  m.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  m.dataset.page = name;
}
function card(label, ...value) {
  return el('div', { class: 'card' }, el('div', { class: 'label' }, label), el('div', { class: 'big' }, ...value));
}

async function pageOverview() {
  const o = await api('/api/v1/overview');
  const v = o.vulnerabilities;
  const share = v.findings ? Math.round((100 * v.fixable) / v.findings) : 0;
  const risk = el('table', { id: 'riskiest' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Image'), el('th', { class: 'num' }, 'KEV'), SEVS.slice(0, 4).map((s) => el('th', { class: 'num' }, s)), el('th', { class: 'num' }, 'Total'))),
    el('tbody', {}, o.riskiest.map((img) => el('tr', { 'data-digest': img.digest },
      el('td', {}, imageLink(img)), el('td', { class: 'num' }, num(img.kev)),
      SEVS.slice(0, 4).map((s) => el('td', { class: 'num' }, num(img.counts[s]))),
      el('td', { class: 'num' }, num(total(img.counts)))))));
  const wide = el('table', { id: 'widespread' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Vulnerability'), el('th', {}, 'Severity'), el('th', { class: 'num' }, 'Images'))),
    el('tbody', {}, o.widespread.map((w) => el('tr', { 'data-id': w.id },
      el('td', {}, vulnLink(w.id), w.known_exploited ? [' ', el('span', { class: 'kev' }, 'KEV')] : null,
        w.title ? el('div', { class: 'muted' }, w.title) : null),
      el('td', {}, sevBadge(w.severity)),
      el('td', { class: 'num' }, num(w.images))))));
  setPage('overview',
    el('h1', {}, 'Overview'),
    el('div', { class: 'cards' },
      card('Images scanned / known', metric('images.scanned', o.images.scanned), ' / ', metric('images.known', o.images.known)),
      card('Vulnerability findings', metric('vulnerabilities.findings', v.findings)),
      card('Fixable', metric('vulnerabilities.fixable', v.fixable), el('span', { class: 'muted', 'data-k': 'fixable_share' }, ` (${share}%)`)),
      card('Known exploited (KEV)', metric('vulnerabilities.kev_findings', v.kev_findings),
        el('div', { class: 'muted' }, 'in ', metric('vulnerabilities.kev_images', v.kev_images), ' images')),
      card('Secrets · malware · misconfig', metric('other.secrets', o.other.secrets), ' · ',
        metric('other.malware', o.other.malware), ' · ', metric('other.misconfigurations', o.other.misconfigurations)),
      card('Jobs pending · failed', metric('images.pending', o.images.pending), ' · ', metric('images.failed', o.images.failed))),
    el('div', { class: 'grid2' },
      el('div', {}, el('h2', {}, 'Findings by severity'), el('div', { class: 'panel' }, severityBars(o.severity, 'severity'))),
      el('div', {}, el('h2', {}, 'Trend of findings'), el('div', { class: 'panel' }, trendChart(o.trend), legend()))),
    el('div', { class: 'grid2' },
      el('div', {}, el('h2', {}, 'Riskiest images'), el('div', { class: 'panel' },
        o.riskiest.length ? risk : el('p', { class: 'empty' }, 'No image scanned yet.'))),
      el('div', {}, el('h2', {}, 'Most widespread vulnerabilities'), el('div', { class: 'panel' },
        o.widespread.length ? wide : el('p', { class: 'empty' }, 'No vulnerability found.')))),
    el('p', { class: 'muted' }, 'As of ', when(o.time)));
}

async function pageImages() {
  const d = await api('/api/v1/images?limit=500');
  setPage('images', el('h1', {}, 'Images'),
    el('div', { class: 'panel' }, table('images', ['Image', 'Digest', 'Scanned', ...SEVS.slice(0, 4).map((s) => '#' + s)],
      d.images.map((img) => el('tr', { 'data-digest': img.digest }, el('td', {}, imageLink(img)),
        el('td', { class: 'mono' }, short(img.digest)), el('td', {}, when(img.scanned_at)),
        SEVS.slice(0, 4).map((s) => el('td', { class: 'num' }, num(img.counts[s]))))), 'No image scanned yet.')),
    d.next ? el('p', { class: 'muted' }, 'Showing the first 500 images.') : null);
}

/* The sort key of a cell: its data-sort attribute (severity rank), a number, or text. */
function cellKey(td) {
  if (!td) return '';
  if (td.dataset.sort !== undefined) return Number(td.dataset.sort);
  const t = td.textContent.trim(), n = Number(t.replace(/,/g, ''));
  return t !== '' && !Number.isNaN(n) ? n : t.toLowerCase();
}
/* Sorts the rows of `tbody` by column i: a first click sorts descending (largest first),
 * the next ascending. */
function sortBy(th, i) {
  const tbody = th.closest('table').tBodies[0];
  const desc = th.getAttribute('aria-sort') !== 'descending';
  for (const h of th.parentNode.children) h.removeAttribute('aria-sort');
  th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
  const rows = [...tbody.rows];
  rows.sort((a, b) => {
    const x = cellKey(a.cells[i]), y = cellKey(b.cells[i]);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return desc ? -c : c;
  });
  tbody.append(...rows);
}
function table(id, head, rows, empty) {
  if (!rows.length) return el('p', { class: 'empty', id: id + '-empty' }, empty);
  return el('table', { id }, el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { class: h.startsWith('#') ? 'num sortable' : 'sortable',
    title: 'sort', onclick: (ev) => sortBy(ev.currentTarget, i) }, h.replace(/^#/, ''))))),
    el('tbody', {}, rows));
}

function findingsSection(vulns) {
  const sevSel = el('select', { id: 'f-severity' }, el('option', { value: '' }, 'all severities'), SEVS.map((s) => el('option', { value: s }, s)));
  const fixable = el('input', { type: 'checkbox', id: 'f-fixable' });
  const kev = el('input', { type: 'checkbox', id: 'f-kev' });
  const text = el('input', { type: 'search', id: 'f-text', placeholder: 'id, package…' });
  const count = el('span', { class: 'muted', id: 'f-count' });
  const rows = vulns.map((v) => {
    const tr = el('tr', { class: 'finding' },
      el('td', {}, vulnLink(v.id), v.known_exploited ? [' ', el('span', { class: 'kev' }, 'KEV')] : null),
      sevCell(v.severity),
      el('td', {}, v.package ? v.package.name : ''), el('td', { class: 'mono' }, v.package ? v.package.version : ''),
      el('td', {}, v.status), el('td', { class: 'mono' }, v.fixed_version || ''),
      el('td', { class: 'num' }, v.layer ? String(v.layer.index) : ''),
      el('td', { class: 'muted' }, v.title || ''));
    tr._v = v;
    return tr;
  });
  const apply = () => {
    const s = sevSel.value, q = text.value.trim().toLowerCase();
    let shown = 0;
    for (const tr of rows) {
      const v = tr._v;
      const ok = (!s || v.severity === s) && (!fixable.checked || v.status === 'fixed') && (!kev.checked || v.known_exploited) &&
        (!q || [v.id, ...(v.aliases || []), v.package && v.package.name, v.title].some((x) => x && x.toLowerCase().includes(q)));
      tr.hidden = !ok;
      shown += ok;
    }
    count.textContent = `${shown} of ${rows.length}`;
  };
  for (const c of [sevSel, fixable, kev]) c.addEventListener('change', apply);
  text.addEventListener('input', apply);
  apply();
  return [el('h2', {}, 'Vulnerabilities'),
    el('div', { class: 'filters' }, sevSel, el('label', {}, fixable, ' fixable only'), el('label', {}, kev, ' KEV only'), text, count),
    el('div', { class: 'panel' }, table('findings', ['Vulnerability', 'Severity', 'Package', 'Version', 'Status', 'Fixed in', '#Layer', 'Title'], rows, 'No vulnerability.'))];
}

async function pageImage(digest) {
  const d = await api('/api/v1/images/' + digest + '/view');
  let hist = { history: [] };
  try { hist = await api('/api/v1/images/' + digest + '/history'); } catch (e) { if (e.status === 401) throw e; }
  const r = d.report, img = r.image || {};
  const sig = d.signature || { status: 'not_checked', checks: [] };
  const sigText = { signed: 'no signature finding', unsigned: 'no valid signature', not_checked: 'not checked (no trust policy in the scan)' }[sig.status] || sig.status;
  const layers = d.layers.map((l) => el('tr', { class: 'layer' },
    el('td', { class: 'num' }, String(l.index)),
    el('td', { class: 'mono' }, l.created_by || ''),
    el('td', { class: 'mono' }, short(l.diff_id)),
    el('td', {}, l.packages_total ? el('details', {}, el('summary', {}, `${l.packages_total} packages`),
      el('div', { class: 'mono' }, l.packages.map((p) => `${p.name} ${p.version}`).join(', '),
        l.packages_total > l.packages.length ? ' …' : '')) : el('span', { class: 'muted' }, 'none')),
    el('td', {}, SEVS.filter((s) => l.vulnerabilities[s]).map((s) => [sevBadge(s), ' ', String(l.vulnerabilities[s]), ' ']),
      l.secrets ? el('span', { class: 'pill' }, `${l.secrets} secrets`) : null,
      l.malware ? el('span', { class: 'pill' }, `${l.malware} malware`) : null)));
  /* secrets: rule and path only, never the value */
  const secrets = (r.secrets || []).map((s) => el('tr', { class: 'secret' },
    el('td', {}, s.rule_id), sevCell(s.severity), el('td', { class: 'mono' }, s.path || s.source || ''),
    el('td', { class: 'num' }, s.layer >= 0 ? String(s.layer) : (s.source || '')), el('td', {}, s.status || '')));
  const malware = (r.malware || []).map((m) => el('tr', {},
    el('td', {}, m.rule), sevCell(m.severity), el('td', { class: 'mono' }, m.path), el('td', { class: 'num' }, String(m.layer)), el('td', {}, m.status || '')));
  const misconf = (r.misconfigurations || []).map((c) => el('tr', {},
    el('td', {}, c.id), sevCell(c.severity), el('td', {}, c.title), el('td', { class: 'muted' }, c.message || '')));
  const pkgFilter = el('input', { type: 'search', id: 'p-text', placeholder: 'package…' });
  const pkgRows = (r.packages || []).map((p) => { const tr = el('tr', { class: 'package' }, el('td', {}, p.name), el('td', { class: 'mono' }, p.version), el('td', {}, p.type), el('td', { class: 'mono' }, p.location || '')); tr._n = (p.name || '').toLowerCase(); return tr; });
  pkgFilter.addEventListener('input', () => { const q = pkgFilter.value.trim().toLowerCase(); for (const tr of pkgRows) tr.hidden = q && !tr._n.includes(q); });
  const timeline = el('ul', { class: 'timeline', id: 'history' }, hist.history.slice().reverse().map((h) => el('li', {},
    el('strong', {}, when(h.time)), ' ', el('span', { class: 'muted' }, 'database ', h.db_built || '–'), el('br'),
    SEVS.filter((s) => h.counts && h.counts[s]).map((s) => [sevBadge(s), ' ', String(h.counts[s]), ' ']),
    (h.added || []).length ? el('div', { class: 'added' }, '+ ', h.added.map((a) => `${a.id} (${a.package})`).join(', ')) : null,
    (h.removed || []).length ? el('div', { class: 'removed' }, '− ', h.removed.map((a) => `${a.id} (${a.package})`).join(', ')) : null)));
  setPage('image',
    el('h1', {}, imageName(d) || short(d.digest)),
    el('p', {}, el('span', { class: 'mono', id: 'image-digest' }, d.digest), el('br'),
      el('span', { class: 'muted' }, [img.os && img.os.pretty_name ? img.os.pretty_name + (img.os.end_of_life ? ' (end of life)' : '') : null,
        'scanned ' + when(d.scanned_at), 'database ' + (d.db_built || '–')].filter((x) => x).join(' · '))),
    el('div', { class: 'cards' },
      SEVS.map((s) => card(s, metric('counts.' + s, d.counts[s]))),
      card('Packages', metric('packages', (r.packages || []).length)),
      card('Signature', el('span', { class: 'sig-' + sig.status, id: 'signature' }, sigText))),
    el('h2', {}, 'Layers'),
    el('div', { class: 'panel' }, table('layers', ['#', 'Created by', 'Diff ID', 'Packages', 'Findings'], layers, 'No layer information.')),
    findingsSection(r.vulnerabilities || []),
    el('h2', {}, 'Secrets'),
    el('div', { class: 'panel' }, table('secrets', ['Rule', 'Severity', 'Path', '#Layer', 'Status'], secrets, r.secrets === null ? 'The secret scanner did not run.' : 'No secret.')),
    el('h2', {}, 'Malware'),
    el('div', { class: 'panel' }, table('malware', ['Rule', 'Severity', 'Path', '#Layer', 'Status'], malware, r.malware === null ? 'The malware scanner did not run.' : 'No malware.')),
    el('h2', {}, 'Misconfigurations'),
    el('div', { class: 'panel' }, table('misconfigurations', ['Check', 'Severity', 'Title', 'Message'], misconf, 'No misconfiguration.')),
    el('h2', {}, 'Packages'),
    el('div', { class: 'filters' }, pkgFilter),
    el('div', { class: 'panel' }, table('packages', ['Name', 'Version', 'Type', 'Location'], pkgRows, 'No package.')),
    el('h2', {}, 'History'),
    hist.history.length ? timeline : el('p', { class: 'empty' }, 'No history.'),
    sig.checks && sig.checks.length ? [el('h2', {}, 'Trust checks'), el('div', { class: 'panel' }, table('trust', ['Check', 'Severity', 'Message'],
      sig.checks.map((c) => el('tr', {}, el('td', {}, c.id), el('td', {}, sevBadge(c.severity)), el('td', {}, c.message || c.title || ''))), ''))] : null);
}

async function pageVuln(id) {
  const d = await api('/api/v1/vulnerabilities/' + encodeURIComponent(id));
  const rows = [];
  for (const img of d.images)
    for (const f of img.findings.length ? img.findings : [{}])
      rows.push(el('tr', { class: 'affected', 'data-digest': img.digest },
        el('td', {}, imageLink(img)), el('td', { class: 'mono' }, short(img.digest)),
        el('td', {}, f.package || ''), el('td', { class: 'mono' }, f.version || ''),
        el('td', {}, f.status || ''), el('td', { class: 'mono' }, f.fixed_version || ''),
        el('td', { class: 'num' }, f.layer ? String(f.layer.index) : '')));
  setPage('vuln',
    el('h1', {}, d.id, ' ', sevBadge(d.severity), d.known_exploited ? [' ', el('span', { class: 'kev' }, 'KEV')] : null),
    d.title ? el('p', {}, d.title) : null,
    el('div', { class: 'cards' },
      card('Affected images', metric('images', d.images_total),
        d.images_total > d.images.length ? el('div', {}, `the first ${d.images.length} are listed`) : null),
      card('CVSS', d.cvss && d.cvss.score !== undefined ? String(d.cvss.score) : '–', d.cvss && d.cvss.vector ? el('div', { class: 'mono muted' }, d.cvss.vector) : null)),
    (d.aliases || []).length ? el('p', {}, 'Aliases: ', d.aliases.map((a) => el('span', { class: 'pill' }, a))) : null,
    (d.feeds || []).length ? el('p', { class: 'muted' }, 'Feeds: ', d.feeds.join(', ')) : null,
    el('h2', {}, 'Affected images'),
    el('div', { class: 'panel' }, table('affected', ['Image', 'Digest', 'Package', 'Version', 'Status', 'Fixed in', '#Layer'], rows, 'No stored image has it.')),
    (d.references || []).length ? [el('h2', {}, 'References'), el('ul', {}, d.references.slice(0, 50).map((u) =>
      el('li', {}, /^https?:\/\//.test(u) ? el('a', { href: u, rel: 'noreferrer noopener', target: '_blank' }, u) : u)))] : null);
}

/* Renders any list of objects as a table (the admissions API belongs to another part). */
function genericTable(id, list) {
  const keys = [...new Set(list.slice(0, 50).flatMap((o) => Object.keys(o)))].slice(0, 9);
  const cell = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return table(id, keys, list.map((o) => el('tr', {}, keys.map((k) => el('td', {}, k === 'time' && typeof o[k] === 'number' ? when(o[k]) : cell(o[k]))))), 'Nothing yet.');
}

/* Admission decisions (GET /api/v1/admissions, docs/admission.md): newest first. */
function admissionRow(a) {
  const images = (a.images || []).map((i) => el('div', { class: 'mono' },
    i.digest && i.status === 'scanned' ? el('a', { href: '#/image/' + i.digest }, i.image || short(i.digest)) : (i.image || ''),
    i.status && i.status !== 'scanned' ? el('span', { class: 'muted' }, ' (' + i.status + ')') : null));
  const reasons = (a.reasons || []).map((r) => el('div', {},
    r.container ? el('strong', {}, r.container + ': ') : null, r.rule || '', r.detail ? el('span', { class: 'muted' }, ' — ' + r.detail) : null));
  return el('tr', { class: 'admission' },
    el('td', {}, typeof a.time === 'number' ? when(a.time) : String(a.time || '')),
    el('td', {}, el('span', { class: a.allowed ? 'sig-signed' : 'sig-unsigned' }, a.allowed ? 'allowed' : 'denied'),
      a.dry_run ? el('div', { class: 'muted' }, 'dry run') : null),
    el('td', {}, [a.kind, a.namespace, a.name].filter((x) => x).join(' / '), a.operation ? el('div', { class: 'muted' }, a.operation) : null),
    el('td', {}, images),
    el('td', {}, reasons.length ? reasons : (a.skipped ? el('span', { class: 'muted' }, 'skipped: ' + a.skipped) : (a.message || '')),
      (a.warnings || []).length ? el('div', { class: 'muted' }, `${a.warnings.length} warnings`) : null));
}

async function pageAdmissions() {
  const sel = document.getElementById('adm-allowed');
  const allowed = sel ? sel.value : '';
  let d = null, why = '';
  try { d = await api('/api/v1/admissions?limit=200' + (allowed ? '&allowed=' + allowed : '')); } catch (e) {
    if (e.status === 401) throw e;
    why = e.status === 404 || e.status === 405 ? 'Admission control is not enabled on this server.' : e.message;
  }
  const list = d ? (Array.isArray(d) ? d : d.admissions || d.decisions || d.items || []) : [];
  const filter = el('select', { id: 'adm-allowed' }, el('option', { value: '' }, 'all decisions'),
    el('option', { value: 'false' }, 'denied'), el('option', { value: 'true' }, 'allowed'));
  filter.value = allowed;
  filter.addEventListener('change', () => route());
  const known = list.length && list.every((a) => a && typeof a === 'object' && 'allowed' in a);
  setPage('admissions', el('h1', {}, 'Admission decisions'),
    d ? el('div', { class: 'filters' }, filter) : null,
    !list.length ? el('p', { class: 'empty', id: 'admissions-empty' }, why || 'No admission decision yet.') :
      el('div', { class: 'panel' }, known ? table('admissions', ['Time', 'Decision', 'Object', 'Images', 'Reasons'], list.map(admissionRow), '') :
        genericTable('admissions', list)),
    d && d.next ? el('p', { class: 'muted' }, 'The newest 200 decisions are shown.') : null);
}

async function pageRegistries() {
  const d = await api('/api/v1/registries');
  setPage('registries', el('h1', {}, 'Registries'),
    el('div', { class: 'panel' }, table('registries', ['Registry', 'Repositories', '#Images', '#Failed', 'Last scan'],
      d.registries.map((r) => el('tr', {}, el('td', {}, r.name), el('td', {}, r.repositories.map((x) => el('span', { class: 'pill' }, x))),
        el('td', { class: 'num' }, num(r.images)), el('td', { class: 'num' }, num(r.failed)), el('td', {}, when(r.last_scan)))),
      'No image scanned yet.')),
    el('p', { class: 'muted' }, 'Registries are known from the scans they served (pushes and POST /api/v1/scans).'));
}

async function pageWebhooks() {
  let d;
  try { d = await api('/api/v1/webhooks'); } catch (e) {
    if (e.status === 403) { setPage('webhooks', el('h1', {}, 'Webhooks'), el('p', { class: 'empty' }, 'Webhooks need a token with the admin scope.')); return; }
    throw e;
  }
  const rows = [];
  for (const h of d.webhooks) {
    const dl = await api('/api/v1/webhooks/' + h.id + '/deliveries');
    const ok = dl.deliveries.filter((x) => x.status === 'done').length;
    const failed = dl.deliveries.filter((x) => x.status === 'failed').length;
    rows.push(el('tr', {}, el('td', { class: 'num' }, String(h.id)), el('td', { class: 'mono' }, h.url), el('td', {}, h.events),
      el('td', { class: 'num' }, num(dl.deliveries.length)), el('td', { class: 'num' }, num(ok)), el('td', { class: 'num' }, num(failed)),
      el('td', {}, when(h.created))));
  }
  setPage('webhooks', el('h1', {}, 'Webhooks'),
    el('div', { class: 'panel' }, table('webhooks', ['#', 'URL', 'Events', '#Deliveries', '#Delivered', '#Failed', 'Created'], rows, 'No webhook.')));
}

/* ---- router ---- */
async function route() {
  if (!sessionStorage.getItem(TOKEN_KEY)) { showLogin(''); return; }
  document.getElementById('login').hidden = true;
  document.getElementById('nav').hidden = false;
  const m = main();
  m.hidden = false;
  m.setAttribute('aria-busy', 'true');
  const h = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  try {
    if (h === '' ) await pageOverview();
    else if (h === 'images') await pageImages();
    else if (h.startsWith('image/')) await pageImage(h.slice(6));
    else if (h.startsWith('vuln/')) await pageVuln(h.slice(5));
    else if (h === 'admissions') await pageAdmissions();
    else if (h === 'registries') await pageRegistries();
    else if (h === 'webhooks') await pageWebhooks();
    else setPage('none', el('p', { class: 'empty' }, 'No such page.'));
  } catch (e) {
    if (e.status !== 401) setPage('error', el('p', { class: 'error', id: 'page-error' }, 'Error: ' + e.message));
  }
  m.removeAttribute('aria-busy');
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('login-form').addEventListener('submit', login);
  document.getElementById('logout').addEventListener('click', () => logout(''));
  window.addEventListener('hashchange', route);
  route();
});
