// A stream consumer as a partner would write one, with the public npm clients (ws, eventsource)
// and Node's fetch. The Java tests (StreamClientsTest, StreamKillTest) run it and read what it
// prints: one JSON line per event taken ({"eventId", "deliveryId", "cursor"}), then
// {"acked": cursor} lines, {"closed": code, "reason"} or {"status": n, "body"} for a refusal.
//
//   node stream.mjs ws   '{"url": "ws://...", "key": "...", "take": 10, "ack": 5, "idleMs": 0}'
//   node stream.mjs sse  '{"url": "http://...", "key": "...", "take": 10, "lastEventId": "..."}'
//   node stream.mjs poll '{"url": "http://.../events?wait=5s", "key": "..."}'
//
// ws: takes `take` events (or, with idleMs, every event until none came for idleMs), acknowledges
// the `ack`-th (default: each as it comes), waits for Herald's "acked", then drops the connection
// without a close frame (as a crashed client would). keyInMessage sends the key as the first message.
import WebSocket from 'ws';
import { EventSource } from 'eventsource';

const [mode, json] = process.argv.slice(2);
const o = JSON.parse(json);
const out = (x) => process.stdout.write(JSON.stringify(x) + '\n');
const deadline = setTimeout(() => { out({ timeout: true }); process.exit(2); }, o.timeoutMs ?? 30000);
const taken = (m) => out({ eventId: m.eventId, deliveryId: m.deliveryId, cursor: m.cursor });

if (mode === 'ws') {
  const headers = o.keyInMessage ? {} : { Authorization: `Bearer ${o.key}` };
  const ws = new WebSocket(o.url, { headers });
  let n = 0;
  let idle;
  let lastAck;
  const finish = () => { clearTimeout(deadline); ws.terminate(); process.exit(0); };
  const rest = () => { if (o.idleMs) { clearTimeout(idle); idle = setTimeout(finish, o.idleMs); } };
  ws.on('unexpected-response', (req, res) => {
    let body = '';
    res.on('data', (c) => { body += c; });
    res.on('end', () => { out({ status: res.statusCode, body }); process.exit(0); });
  });
  // silent: connects without a key and says nothing (Herald must close it after its auth timeout).
  ws.on('open', () => { if (o.keyInMessage && !o.silent) ws.send(JSON.stringify({ type: 'auth', key: o.key })); rest(); });
  ws.on('close', (code, reason) => { out({ closed: code, reason: reason.toString() }); process.exit(0); });
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.type === 'hello') out({ hello: m });
    else if (m.type === 'error') out({ error: m });
    else if (m.type === 'acked') {
      out({ acked: m.cursor });
      if (!o.idleMs && n >= o.take && m.cursor === lastAck) finish();
    } else if (m.type === 'event') {
      if (!o.idleMs && n >= o.take) return; // what came after it had enough, as a crashed client would leave it
      n++;
      taken(m);
      rest();
      const ackThis = o.ack === undefined ? true : n === o.ack;
      if (ackThis) { lastAck = m.cursor; ws.send(JSON.stringify({ type: 'ack', cursor: m.cursor })); }
      if (!o.idleMs && n >= o.take && o.ack === 0) finish();
    }
  });
} else if (mode === 'sse') {
  const es = new EventSource(o.url, {
    fetch: (input, init) => fetch(input, {
      ...init,
      headers: { ...init.headers, Authorization: `Bearer ${o.key}`, ...(o.lastEventId ? { 'Last-Event-ID': o.lastEventId } : {}) },
    }),
  });
  let n = 0;
  es.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (e.lastEventId !== m.cursor) out({ mismatch: e.lastEventId });
    n++;
    taken(m);
    if (n >= o.take) { clearTimeout(deadline); es.close(); process.exit(0); }
  };
  es.onerror = (e) => { out({ status: e.code ?? null, message: e.message ?? null }); if (e.code) { es.close(); process.exit(0); } };
} else if (mode === 'poll') {
  const started = Date.now();
  const res = await fetch(o.url, { headers: { Authorization: `Bearer ${o.key}` } });
  const body = await res.json();
  clearTimeout(deadline);
  if (res.status !== 200) out({ status: res.status, body });
  else {
    for (const m of body.events) taken(m);
    out({ next: body.next ?? null, waitedMs: Date.now() - started });
  }
  process.exit(0);
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(1);
}
