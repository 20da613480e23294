// The phone simulator page: pick a handset, read what it received, live. (WhatsApp chat and replies
// arrive with the messaging layer.)
export function renderPhonePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Testigo sandbox phone</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font-family:system-ui,sans-serif;margin:0;background:#eae6df;color:#111}
 header{background:#075e54;color:#fff;padding:12px 16px;display:flex;gap:12px;align-items:center}
 header h1{font-size:18px;margin:0;flex:1}
 select,input{font-size:15px;padding:6px}
 nav{display:flex;background:#128c7e}
 nav button{flex:1;border:0;background:none;color:#dff;padding:10px;font-size:15px;cursor:pointer}
 nav button[aria-selected=true]{color:#fff;border-bottom:3px solid #fff}
 main{max-width:560px;margin:0 auto;padding:12px}
 .bubble{background:#fff;border-radius:8px;padding:8px 10px;margin:8px 0;box-shadow:0 1px 1px rgba(0,0,0,.15);white-space:pre-wrap}
 .meta{font-size:12px;color:#667;margin-top:4px}
 .empty{color:#667;text-align:center;margin-top:40px}
</style></head>
<body>
<header><h1>Testigo sandbox</h1>
 <label>Phone <input id="phone" list="phones" placeholder="+34600111222" size="16"></label>
 <datalist id="phones"></datalist></header>
<nav role="tablist"><button role="tab" id="tab-whatsapp" aria-selected="false">WhatsApp</button><button role="tab" id="tab-sms" aria-selected="true">SMS</button></nav>
<main id="messages"><p class="empty">Pick a phone number.</p></main>
<script>
const input = document.getElementById('phone');
const list = document.getElementById('messages');
let tab = 'sms';
const fromPath = decodeURIComponent(location.pathname.split('/phones/')[1] || '');
if (fromPath) input.value = fromPath;
function esc(s){return String(s).replace(/[&<>"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));}
async function loadPhones(){
  const phones = await (await fetch('api/phones'.replace(/^/, base()))).json();
  document.getElementById('phones').innerHTML = phones.map(p=>'<option value="'+esc(p)+'">').join('');
  if(!input.value && phones.length) { input.value = phones[phones.length-1]; render(); }
}
function base(){return location.pathname.replace(/\\/(phones\\/.*)?$/, '') + '/';}
async function render(){
  const phone = input.value.trim();
  if(!phone){return;}
  if(tab==='whatsapp'){list.innerHTML='<p class="empty">WhatsApp chat: not emulated yet.</p>';return;}
  const res = await fetch(base()+'api/phones/'+encodeURIComponent(phone)+'/sms');
  if(!res.ok){list.innerHTML='<p class="empty">Not a valid E.164 number.</p>';return;}
  const sms = await res.json();
  list.innerHTML = sms.length ? sms.map(m=>'<div class="bubble" data-sms-id="'+esc(m.id)+'">'+esc(m.body)+'<div class="meta">'+esc(m.from)+' · '+new Date(m.at).toLocaleTimeString()+'</div></div>').join('') : '<p class="empty">No SMS for '+esc(phone)+' yet.</p>';
}
for (const t of ['sms','whatsapp']) document.getElementById('tab-'+t).onclick=()=>{tab=t;for(const u of ['sms','whatsapp'])document.getElementById('tab-'+u).setAttribute('aria-selected',String(u===t));render();};
input.addEventListener('change', render);
new EventSource(base()+'api/events').onmessage = (e) => { const {phone} = JSON.parse(e.data); if(phone===input.value.trim()) render(); else loadPhones(); };
loadPhones(); render();
</script></body></html>`;
}
