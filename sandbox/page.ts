// The phone simulator page: a person (or a browser test) plays the customer. Pick a handset, read
// the WhatsApp chat with the business (ticks show the delivery status Meta reports), tap buttons,
// open documents, type replies, read SMS; everything updates live over server-sent events.
// Plain HTML and a script file (phone-page.js), no build step.
import { readFileSync } from 'node:fs';

export const PHONE_PAGE_SCRIPT = readFileSync(new URL('./phone-page.js', import.meta.url), 'utf8');

export function renderPhonePage(mountPath: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Testigo sandbox phone</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 *{box-sizing:border-box}
 body{font-family:system-ui,sans-serif;margin:0;background:#ddd;color:#111;height:100vh;display:flex;flex-direction:column}
 header{background:#075e54;color:#fff;padding:10px 16px;display:flex;gap:12px;align-items:center}
 header h1{font-size:18px;margin:0;flex:1}
 header input{font-size:15px;padding:6px;border-radius:4px;border:0}
 nav{display:flex;background:#128c7e}
 nav button{flex:1;border:0;background:none;color:#cfe;padding:10px;font-size:15px;cursor:pointer}
 nav button[aria-selected=true]{color:#fff;border-bottom:3px solid #fff}
 #status{background:#f0f2f5;color:#556;font-size:13px;padding:4px 16px;min-height:24px}
 main{flex:1;overflow-y:auto;background:#efeae2}
 #messages{max-width:620px;margin:0 auto;padding:12px;display:flex;flex-direction:column;gap:6px}
 .bubble{max-width:80%;border-radius:8px;padding:6px 9px 4px;box-shadow:0 1px .5px rgba(0,0,0,.13);background:#fff;align-self:flex-start}
 .bubble.customer{background:#d9fdd3;align-self:flex-end}
 .bubble.failed{opacity:.65;border:1px dashed #c62828}
 .text{white-space:pre-wrap;overflow-wrap:anywhere}
 .meta{font-size:11px;color:#667781;text-align:right;margin-top:2px}
 .tick{margin-left:4px;letter-spacing:-3px}
 .tick.read{color:#53bdeb}
 .tick.failed{color:#c62828;letter-spacing:0}
 .error{font-size:12px;color:#c62828}
 .doc{display:flex;gap:8px;align-items:center;background:rgba(0,0,0,.05);border-radius:6px;padding:8px;margin-bottom:4px;color:inherit;text-decoration:none}
 .doc .icon{background:#e55;color:#fff;font-size:11px;font-weight:bold;border-radius:3px;padding:8px 4px;min-width:36px;text-align:center}
 .doc small{display:block;color:#667781}
 .bubble img{max-width:100%;border-radius:6px;display:block}
 .buttons{display:flex;flex-direction:column;border-top:1px solid #e9edef;margin:6px -9px -4px}
 .buttons button{border:0;border-top:1px solid #e9edef;background:none;color:#027eb5;padding:9px;font-size:14px;cursor:pointer}
 .buttons button:first-child{border-top:0}
 .buttons button:hover{background:#f5f6f6}
 .buttons small{display:block;color:#667781;font-size:12px}
 .empty{color:#667781;text-align:center;margin-top:40px}
 form{display:flex;gap:8px;padding:8px 12px;background:#f0f2f5;max-width:100%}
 form input[type=text]{flex:1;font-size:15px;padding:10px 12px;border-radius:20px;border:0}
 form button,form label{border:0;border-radius:20px;background:#00a884;color:#fff;padding:0 16px;font-size:15px;cursor:pointer;display:flex;align-items:center}
 form label{background:#8696a0}
 form input[type=file]{display:none}
 .reply{border:0;background:none;color:#667781;cursor:pointer;font-size:13px;padding:0 4px 0 0}
 .quote{border-left:4px solid #06cf9c;background:rgba(0,0,0,.05);border-radius:4px;padding:4px 8px;margin-bottom:4px;font-size:13px;color:#556;white-space:pre-wrap;overflow-wrap:anywhere}
 #reply-bar{display:flex;gap:8px;align-items:center;background:#f0f2f5;padding:6px 12px 0}
 #reply-bar .quote{flex:1;margin:0}
 #reply-bar.hidden{display:none}
 #reply-cancel{border:0;background:none;font-size:16px;cursor:pointer;color:#667781}
 .hidden{display:none}
</style></head>
<body>
<header><h1>Testigo sandbox</h1>
 <label>Phone <input id="phone" list="phones" placeholder="+34600111222" size="16" autocomplete="off"></label>
 <datalist id="phones"></datalist></header>
<nav role="tablist"><button role="tab" id="tab-whatsapp" aria-selected="true">WhatsApp</button><button role="tab" id="tab-sms" aria-selected="false">SMS</button></nav>
<div id="status"></div>
<main><div id="messages"><p class="empty">Pick a phone number.</p></div></main>
<div id="reply-bar" class="hidden"><div class="quote" id="reply-quote"></div><button id="reply-cancel" type="button" title="Cancel the reply">✕</button></div>
<form id="composer">
 <label title="Send a document or an image">Attach<input id="composer-file" type="file"></label>
 <input id="composer-text" type="text" placeholder="Type a message" autocomplete="off">
 <button id="composer-send" type="submit">Send</button>
</form>
<script>window.SANDBOX_BASE = ${JSON.stringify(`${mountPath}/`)};</script>
<script src="${mountPath}/phone-page.js"></script>
</body></html>`;
}
