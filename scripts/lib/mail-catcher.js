'use strict';
// An in-process SMTP catcher: accepts every message, keeps it in memory (and, given `dir`, in dir/messages.json so
// the mail survives an `npm start` restart), and lists it on a small web page.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

const escape = (s) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** Reads dir/messages.json; a missing or unreadable file is an empty mailbox (the catcher is a dev tool). */
function loadMessages(file, limit) {
  try {
    const list = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(list) ? list.slice(-limit) : [];
  } catch {
    return [];
  }
}

/** Writes the whole list to a temporary file and renames it, so a crash never leaves half a file. */
function saveMessages(file, messages) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(messages));
  fs.renameSync(tmp, file);
}

/**
 * Starts the catcher. `smtpPort`/`webPort` 0 picks free ports. `failNext(n)` makes the next n messages fail (for tests).
 * `dir`: keep the newest `limit` messages in dir/messages.json and load them at start (`npm start` uses .accord/mail).
 * Returns { smtpUrl, webUrl, messages, waitFor, clear, close }.
 */
async function startMailCatcher({ smtpPort = 0, webPort = 0, web = true, limit = 1000, dir = null } = {}) {
  const file = dir ? path.join(dir, 'messages.json') : null;
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const messages = file ? loadMessages(file, limit) : [];
  let lastId = messages.reduce((max, m) => Math.max(max, Number(m.id) || 0), 0);
  const persist = () => {
    if (!file) return;
    try {
      saveMessages(file, messages);
    } catch (error) {
      console.warn(`mail catcher: could not save ${file}: ${error.message}`);
    }
  };
  const waiters = [];
  let failures = 0;
  // hold(): answer no DATA until release(); a client that disconnects meanwhile delivered nothing.
  let holding = null;
  const closed = new Set();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        if (holding) await holding;
        if (closed.has(session.id)) return callback(new Error('client went away before the message was accepted'));
        if (failures > 0) {
          failures -= 1;
          const error = new Error('Temporary failure (test)');
          error.responseCode = 451;
          return callback(error);
        }
        const raw = Buffer.concat(chunks);
        try {
          // No derived bodies (text → HTML with links, HTML → text): the catcher keeps the parts as sent.
          const parsed = await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, skipHtmlToText: true });
          const message = {
            id: ++lastId,
            receivedAt: new Date().toISOString(),
            envelope: {
              from: session.envelope.mailFrom && session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            messageId: parsed.messageId,
            subject: parsed.subject,
            from: parsed.from && parsed.from.text,
            to: parsed.to && (Array.isArray(parsed.to) ? parsed.to.map((t) => t.text).join(', ') : parsed.to.text),
            text: parsed.text,
            html: typeof parsed.html === 'string' ? parsed.html : null,
            // Raw header values, as a mail client would see them (mailparser restructures some, e.g. List-*).
            headers: Object.fromEntries(
              parsed.headerLines.map((h) => [
                h.key,
                h.line
                  .slice(h.line.indexOf(':') + 1)
                  .replace(/\r?\n\s+/g, ' ')
                  .trim(),
              ]),
            ),
          };
          // The bytes as received (for signature checks), kept out of messages.json and the web page.
          Object.defineProperty(message, 'raw', { value: raw, enumerable: false });
          messages.push(message);
          if (messages.length > limit) messages.shift();
          persist();
          for (const waiter of [...waiters]) waiter();
          callback();
        } catch (error) {
          callback(error);
        }
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(smtpPort, '127.0.0.1', resolve);
  });
  const actualSmtpPort = server.server.address().port;

  let httpServer = null;
  let webUrl = null;
  if (web) {
    httpServer = http.createServer((req, res) => {
      if (req.url === '/messages' || req.url === '/messages.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(messages.slice().reverse()));
      }
      const rows = messages
        .slice()
        .reverse()
        .map(
          (m) => `<details><summary><b>${escape(m.subject)}</b> → ${escape(m.to)} <small>${escape(m.receivedAt)}</small></summary>
<pre>${escape(m.text)}</pre><small>Message-ID ${escape(m.messageId)}</small></details>`,
        )
        .join('\n');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Accord mail catcher</title><meta http-equiv="refresh" content="10"></head>
<body style="font-family:sans-serif;max-width:60em;margin:2em auto"><h1>Accord mail catcher</h1><p>${messages.length} message(s); newest first. JSON at <a href="/messages">/messages</a>.</p>${rows || '<p>No mail yet.</p>'}</body></html>`);
    });
    await new Promise((resolve) => httpServer.listen(webPort, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${httpServer.address().port}`;
  }

  return {
    smtpUrl: `smtp://127.0.0.1:${actualSmtpPort}`,
    webUrl,
    messages,
    failNext(n) {
      failures = n;
    },
    hold() {
      if (!holding) {
        let release;
        holding = new Promise((resolve) => (release = resolve));
        holding.release = release;
      }
    },
    release() {
      const h = holding;
      holding = null;
      if (h) h.release();
    },
    clear() {
      messages.length = 0;
      persist();
    },
    /** Resolves once `predicate(messages)` holds, or rejects after timeoutMs. */
    waitFor(predicate, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        let timer = null;
        const check = () => {
          if (predicate(messages)) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(messages);
          }
        };
        timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`mail not received within ${timeoutMs} ms (have ${messages.length})`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      if (httpServer) await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}

module.exports = { startMailCatcher };
