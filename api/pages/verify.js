/* global document, window, location, history */
// The public verification page's behaviour, served at /verify/assets/verify.js (plain browser JavaScript, no build
// step). A PDF chosen or dropped is posted as application/pdf to the form's action (POST /verify, with ?processId= on
// the page of one process) and the answer drawn: the verdict, what the file is, and every check with its label in
// the page's language. The language links switch in place, the result included. No API key, no cookies needed.
'use strict';

/** The largest PDF POST /verify accepts (api/routes/evidence.ts): bigger ones are refused here, without uploading. */
const MAX_BYTES = 25 * 1024 * 1024;
const TEXTS = JSON.parse(document.getElementById('verify-texts').textContent);
const root = document.documentElement;
const form = document.getElementById('verify-form');
const input = document.getElementById('file');
const dropZone = document.getElementById('drop-zone');
const result = document.getElementById('result');

let locale = TEXTS[root.lang] ? root.lang : 'es';
/** What the result area shows: null, {state: 'checking'|'error'|'done', file, …}; redrawn on a language switch. */
let shown = null;
/** Each verification's number: an answer that arrives after a newer file was chosen is dropped. */
let run = 0;

function t(key, values) {
  return TEXTS[locale].text[key].replace(/\{(\w+)\}/g, (whole, name) => (values && name in values ? values[name] : whole));
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null) continue;
    if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

function formatSize(bytes) {
  const number = (value, digits) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  if (bytes < 1024) return `${number(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024, 1)} KB`;
  return `${number(bytes / 1024 / 1024, 1)} MB`;
}

function checkLabel(name) {
  return TEXTS[locale].checks[name] || name;
}

function translatePage() {
  root.lang = locale;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-aria-label]')) node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
  for (const link of document.querySelectorAll('[data-lang]')) link.setAttribute('aria-current', String(link.dataset.lang === locale));
  render();
}

function render() {
  result.dataset.run = String(run);
  if (!shown) {
    result.dataset.state = 'idle';
    result.replaceChildren();
    return;
  }
  result.dataset.state = shown.state;
  if (shown.state === 'checking') {
    result.replaceChildren(el('p', { className: 'status', id: 'status' }, t('checking', { file: shown.file.name })));
  } else if (shown.state === 'error') {
    result.replaceChildren(
      el(
        'div',
        { className: 'verdict error', id: 'verdict', 'data-error': shown.error.key },
        el('span', { className: 'verdict-mark', 'aria-hidden': 'true' }, '!'),
        el('div', {}, el('h2', { id: 'verdict-title' }, t('errorTitle')), el('p', { id: 'verdict-summary' }, t(shown.error.key, shown.error.values))),
      ),
    );
  } else {
    result.replaceChildren(...answerView(shown.file, shown.answer));
  }
}

function answerView(file, answer) {
  const failed = answer.checks.filter((check) => !check.ok);
  const verdict = el(
    'div',
    { className: `verdict ${answer.valid ? 'valid' : 'invalid'}`, id: 'verdict', 'data-valid': String(answer.valid) },
    el('span', { className: 'verdict-mark', 'aria-hidden': 'true' }, answer.valid ? '✓' : '✗'),
    el(
      'div',
      {},
      el('h2', { id: 'verdict-title' }, t(answer.valid ? 'valid' : 'invalid')),
      el(
        'p',
        { id: 'verdict-summary' },
        answer.valid ? t('validSummary') : t('invalidSummary', { failed: failed.map((check) => checkLabel(check.name)).join('; ') }),
      ),
    ),
  );
  const fact = (label, id, value, attributes) => [el('dt', {}, label), el('dd', { id, ...attributes }, value)];
  const facts = el(
    'dl',
    { className: 'facts' },
    ...fact(t('fileName'), 'fact-file', `${file.name} (${formatSize(file.size)})`),
    ...fact(t('kind'), 'fact-kind', TEXTS[locale].kinds[answer.kind] || answer.kind, { 'data-kind': answer.kind }),
    ...fact(t('process'), 'fact-process', answer.processId ? el('code', {}, answer.processId) : t('noProcess')),
    ...fact(t('sha256'), 'fact-sha256', el('code', {}, answer.sha256)),
  );
  const checks = el(
    'ul',
    { className: 'checks', id: 'checks', 'aria-labelledby': 'checks-heading' },
    ...answer.checks.map((check) =>
      el(
        'li',
        { className: `check ${check.ok ? 'ok' : 'failed'}`, 'data-check': check.name, 'data-ok': String(check.ok) },
        el('span', { className: 'check-mark', 'aria-hidden': 'true' }, check.ok ? '✓' : '✗'),
        el('span', { className: 'check-label' }, checkLabel(check.name), el('code', { className: 'check-name' }, check.name)),
        el('span', { className: 'check-status' }, t(check.ok ? 'passed' : 'failed')),
        // The verifier words its details in English.
        el('span', { className: 'check-detail', lang: 'en' }, check.detail),
      ),
    ),
  );
  return [verdict, facts, el('h3', { id: 'checks-heading' }, t('checksHeading')), checks];
}

function show(state, number) {
  if (number !== run) return;
  shown = state;
  render();
}

async function verify(file) {
  const number = ++run;
  if (!file) return show(null, number);
  if (file.size > MAX_BYTES) return show({ state: 'error', file, error: { key: 'errorTooLarge' } }, number);
  if (file.size === 0) return show({ state: 'error', file, error: { key: 'errorEmpty' } }, number);
  show({ state: 'checking', file }, number);
  let response;
  let body = null;
  try {
    response = await window.fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', accept: 'application/json' },
      body: file,
      credentials: 'omit',
    });
    body = await response.json().catch(() => null);
  } catch {
    return show({ state: 'error', file, error: { key: 'errorNetwork' } }, number);
  }
  if (response.ok && body && typeof body.valid === 'boolean' && Array.isArray(body.checks)) {
    return show({ state: 'done', file, answer: body }, number);
  }
  if (response.status === 413) return show({ state: 'error', file, error: { key: 'errorTooLarge' } }, number);
  if (response.status === 415) return show({ state: 'error', file, error: { key: 'errorUnsupported' } }, number);
  const detail = (body && (body.detail || body.title)) || response.statusText || '';
  return show({ state: 'error', file, error: { key: 'errorRequest', values: { status: String(response.status), detail } } }, number);
}

input.addEventListener('change', () => verify(input.files[0]));
form.addEventListener('submit', (event) => {
  event.preventDefault();
  verify(input.files[0]);
});

// Dropping a file anywhere on the page checks it; the box shows where to drop. Without this the browser would open a
// PDF dropped beside the box, leaving the page.
let dragDepth = 0;
window.addEventListener('dragenter', (event) => {
  event.preventDefault();
  dragDepth += 1;
  dropZone.classList.add('dragging');
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) dropZone.classList.remove('dragging');
});
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => {
  event.preventDefault();
  dragDepth = 0;
  dropZone.classList.remove('dragging');
  const files = event.dataTransfer && event.dataTransfer.files;
  if (!files || files.length === 0) return;
  try {
    input.files = files; // the input shows the dropped file's name
  } catch {
    /* an old browser: the result names the file anyway */
  }
  verify(files[0]);
});

for (const link of document.querySelectorAll('[data-lang]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    locale = link.dataset.lang;
    translatePage();
    const url = new URL(location.href);
    url.searchParams.set('lang', locale);
    history.replaceState(null, '', url);
  });
}
