/* global document, window, location, history, EventSource, FileReader, navigator */
// The phone simulator's behaviour, served at /sandbox/phone-page.js (plain browser JavaScript, no
// build step). It reads the handset through the sandbox control API and re-renders on every
// server-sent event for the phone on screen, so ticks and replies appear without a reload.
'use strict';

const base = window.SANDBOX_BASE;
const phoneInput = document.getElementById('phone');
const list = document.getElementById('messages');
const scroller = document.querySelector('main');
const statusBar = document.getElementById('status');
const composer = document.getElementById('composer');
const textBox = document.getElementById('composer-text');
const fileInput = document.getElementById('composer-file');
const replyBar = document.getElementById('reply-bar');
const replyQuote = document.getElementById('reply-quote');
const knownPhones = new Set();
let tab = 'whatsapp';
/** The message the next typed text quotes (WhatsApp's swipe to reply), if any. */
let replyTo = null;

/** How WhatsApp draws the delivery status of a message: symbol and CSS class. */
const TICKS = { accepted: ['◴', 'pending'], sent: ['✓', 'sent'], delivered: ['✓✓', 'delivered'], read: ['✓✓', 'read'], failed: ['✗', 'failed'] };

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'className') node.className = value;
    else if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

/** WhatsApp's *bold* markup, the only formatting the business texts use; everything else stays text. */
function formatted(text) {
  return text.split(/\*([^*\n]+)\*/).map((part, i) => (i % 2 ? el('strong', {}, part) : part));
}

const currentPhone = () => phoneInput.value.trim();
const phonePath = (suffix) => `${base}api/phones/${encodeURIComponent(currentPhone())}${suffix}`;
const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function show(nodes) {
  list.replaceChildren(...nodes);
  scroller.scrollTop = scroller.scrollHeight;
}

const empty = (text) => el('p', { className: 'empty' }, text);

async function render() {
  const phone = currentPhone();
  composer.classList.toggle('hidden', tab !== 'whatsapp' || !phone);
  if (!phone) return;
  if (tab === 'sms') return renderSms(phone);
  const [messages, info] = await Promise.all([fetch(phonePath('/messages')), fetch(phonePath(''))]);
  if (phone !== currentPhone()) return; // another phone was picked meanwhile
  if (!messages.ok) return show([empty('Not a valid E.164 number.')]);
  const chat = await messages.json();
  statusBar.textContent = describe(await info.json());
  const byId = new Map(chat.map((m) => [m.id, m]));
  show(chat.length ? chat.map((m) => bubble(m, byId)) : [empty(`No WhatsApp messages for ${phone} yet.`)]);
  // The chat is on screen: whatever was delivered is now read (matters when autoRead is off).
  if (document.visibilityState === 'visible' && chat.some((m) => m.from === 'business' && m.status === 'delivered')) {
    await fetch(phonePath('/read'), { method: 'POST' });
  }
}

function describe(info) {
  if (!info.onWhatsApp) return 'This number is not on WhatsApp.';
  if (info.typing) return 'typing…';
  if (info.windowExpiresAt && Date.parse(info.windowExpiresAt) > Date.now()) return `Chat window open until ${new Date(info.windowExpiresAt).toLocaleString()}`;
  return 'No open chat window: the business can only send templates.';
}

/** A line or two of a message, as a quote shows it. */
function snippet(m) {
  if (!m) return 'a message no longer on this phone';
  const text = m.text ?? m.document?.filename ?? m.image?.caption ?? m.type;
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function bubble(m, byId) {
  const node = el('div', {
    className: `bubble ${m.from}${m.status === 'failed' ? ' failed' : ''}`,
    'data-message-id': m.id,
    'data-from': m.from,
    'data-status': m.status,
  });
  // a typed reply shows what it quotes; a button reply's context is the message whose button it was
  if (m.type === 'text' && m.contextId) node.append(el('div', { className: 'quote', 'data-quote-of': m.contextId }, snippet(byId.get(m.contextId))));
  if (m.document) {
    const { filename, sha256, url } = m.document;
    const extension = (filename.split('.').pop() || 'file').slice(0, 4).toUpperCase();
    node.append(
      el(
        'a',
        { className: 'doc', href: url, target: '_blank', 'data-document': filename },
        el('span', { className: 'icon' }, extension),
        el('span', {}, filename, el('small', {}, `sha256 ${sha256.slice(0, 16)}…`)),
      ),
    );
  }
  if (m.image) node.append(el('a', { href: m.image.url, target: '_blank' }, el('img', { src: m.image.url, alt: m.image.caption || 'image' })));
  const text = m.text ?? m.document?.caption ?? m.image?.caption;
  if (text) node.append(el('div', { className: 'text' }, ...formatted(text)));
  if (m.error) node.append(el('div', { className: 'error' }, `Not delivered: ${m.error.title} (${m.error.code})`));
  const reachedPhone = m.status !== 'failed' && m.status !== 'accepted';
  const reply = reachedPhone
    ? el('button', { className: 'reply', type: 'button', title: 'Reply', 'data-reply-to': m.id, onclick: () => startReply(m) }, '↩')
    : undefined;
  node.append(el('div', { className: 'meta' }, reply, time(m.at), tick(m.status)));
  if (m.buttons && m.status !== 'failed') node.append(buttons(m));
  return node;
}

function tick(status) {
  const [symbol, name] = TICKS[status] || ['', status];
  return el('span', { className: `tick ${name}`, title: status, 'data-tick': status }, symbol);
}

function buttons(m) {
  const box = el('div', { className: 'buttons' });
  if (m.listLabel) box.append(el('small', { className: 'list-label' }, `☰ ${m.listLabel}`));
  for (const b of m.buttons) {
    box.append(el('button', { type: 'button', 'data-button-id': b.id, 'data-context-id': m.id, onclick: () => tap(m, b) }, b.title));
  }
  return box;
}

/** Copy-code buttons fill the text box (as pasting would); the others send a reply. */
function tap(m, b) {
  if (b.copyCode) {
    textBox.value = b.copyCode;
    navigator.clipboard?.writeText(b.copyCode).catch(() => undefined);
    textBox.focus();
    return;
  }
  return send({ buttonId: b.id, contextId: m.id });
}

function startReply(m) {
  replyTo = m.id;
  replyQuote.textContent = snippet(m);
  replyBar.classList.remove('hidden');
  textBox.focus();
}

function cancelReply() {
  replyTo = null;
  replyBar.classList.add('hidden');
}

async function send(body) {
  const response = await fetch(phonePath('/messages'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) statusBar.textContent = `Not sent: ${(await response.json()).detail}`;
}

async function renderSms(phone) {
  statusBar.textContent = '';
  const response = await fetch(phonePath('/sms'));
  if (phone !== currentPhone()) return;
  if (!response.ok) return show([empty('Not a valid E.164 number.')]);
  const sms = await response.json();
  show(
    sms.length
      ? sms.map((m) =>
          el(
            'div',
            { className: 'bubble', 'data-sms-id': m.id },
            el('div', { className: 'text' }, m.body),
            el('div', { className: 'meta' }, `${m.from} · ${time(m.at)}`),
          ),
        )
      : [empty(`No SMS for ${phone} yet.`)],
  );
}

// One render at a time; events arriving meanwhile cause exactly one more.
let rendering = null;
let renderAgain = false;
function refresh() {
  if (rendering) {
    renderAgain = true;
    return;
  }
  rendering = render()
    .catch((error) => (statusBar.textContent = `Sandbox unreachable: ${error.message}`))
    .finally(() => {
      rendering = null;
      if (renderAgain) {
        renderAgain = false;
        refresh();
      }
    });
}

async function loadPhones() {
  const phones = await (await fetch(`${base}api/phones`)).json();
  for (const phone of phones) knownPhones.add(phone);
  document.getElementById('phones').replaceChildren(...phones.map((phone) => el('option', { value: phone })));
  if (!currentPhone() && phones.length) choosePhone(phones[phones.length - 1]);
}

function choosePhone(phone) {
  cancelReply();
  phoneInput.value = phone;
  history.replaceState(null, '', `${base}phones/${encodeURIComponent(phone)}`);
  refresh();
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = textBox.value.trim();
  if (!text) return;
  textBox.value = '';
  send(replyTo ? { text, contextId: replyTo } : { text });
  cancelReply();
});
document.getElementById('reply-cancel').addEventListener('click', cancelReply);

fileInput.addEventListener('change', () => {
  const file = fileInput.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    const contentBase64 = String(reader.result).split(',')[1];
    const mimeType = file.type || 'application/octet-stream';
    send(/^image\/(jpeg|png)$/.test(mimeType) ? { image: { mimeType, contentBase64 } } : { document: { filename: file.name, mimeType, contentBase64 } });
    fileInput.value = '';
  };
  reader.readAsDataURL(file);
});

for (const name of ['whatsapp', 'sms']) {
  document.getElementById(`tab-${name}`).addEventListener('click', () => {
    tab = name;
    cancelReply();
    for (const other of ['whatsapp', 'sms']) document.getElementById(`tab-${other}`).setAttribute('aria-selected', String(other === name));
    refresh();
  });
}
phoneInput.addEventListener('change', () => choosePhone(currentPhone()));
new EventSource(`${base}api/events`).onmessage = (event) => {
  const { phone } = JSON.parse(event.data);
  if (phone === currentPhone()) refresh();
  if (!knownPhones.has(phone)) loadPhones();
};

const fromPath = decodeURIComponent(location.pathname.split('/phones/')[1] || '');
if (fromPath) phoneInput.value = fromPath;
loadPhones();
refresh();
