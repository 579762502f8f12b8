// The node version of peer.py: Twitter API v2 pages (one JSON response a
// line) -> vader-sentiment (the npm port of VADER) -> SQLite, idempotent by
// id. Node 20 has no SQLite of its own and a native addon would need a
// download outside the registry, so the database is sql.js (SQLite compiled
// to WebAssembly): it works in memory and the file is written once at the
// end, which spares it the WAL writes peer.py and earshot do.
//
// usage: node peer.js MODULES DB FILE...   (MODULES: the node_modules dir)
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const [mods, dbPath, ...files] = process.argv.slice(2);
const vader = require(path.join(mods, 'vader-sentiment'));
const initSqlJs = require(path.join(mods, 'sql.js'));

const SCHEMA = `CREATE TABLE IF NOT EXISTS mentions (
  id TEXT PRIMARY KEY, network TEXT, author TEXT, author_name TEXT, url TEXT,
  text TEXT, lang TEXT, created_at INTEGER, in_reply_to TEXT,
  sentiment_compound REAL, sentiment_pos REAL, sentiment_neu REAL,
  sentiment_neg REAL, sentiment_label TEXT, likes INTEGER, reposts INTEGER,
  replies INTEGER, quotes INTEGER)`;
const INSERT = 'INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ' +
  'ON CONFLICT (id) DO NOTHING';
const BATCH = 5000;
const ENT = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENT[m]);
const label = (c) => (c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral');

async function main() {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA);
  const ins = db.prepare(INSERT);
  let n = 0, inTx = 0;
  for (const file of files) {
    const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line) continue;
      const page = JSON.parse(line);
      const users = new Map();
      for (const u of (page.includes && page.includes.users) || []) users.set(u.id, u);
      for (const tw of page.data || []) {
        const u = users.get(tw.author_id) || {};
        const text = unescape(tw.text);
        const s = vader.SentimentIntensityAnalyzer.polarity_scores(text);
        const pm = tw.public_metrics || {};
        const rep = (tw.referenced_tweets || []).find((r) => r.type === 'replied_to');
        if (inTx === 0) db.run('BEGIN');
        ins.run(['twitter:' + tw.id, 'twitter', u.username ?? null, u.name ?? null,
          `https://twitter.com/${u.username || 'i'}/status/${tw.id}`, text, tw.lang ?? null,
          tw.created_at ? Math.floor(Date.parse(tw.created_at) / 1000) : null,
          rep ? 'twitter:' + rep.id : null, s.compound, s.pos, s.neu, s.neg, label(s.compound),
          pm.like_count ?? null, pm.retweet_count ?? null, pm.reply_count ?? null, pm.quote_count ?? null]);
        n++;
        if (++inTx === BATCH) { db.run('COMMIT'); inTx = 0; }
      }
    }
  }
  if (inTx) db.run('COMMIT');
  ins.free();
  fs.writeFileSync(dbPath, Buffer.from(db.export()));
  db.close();
  console.log(n);
}
main().catch((e) => { console.error(e); process.exit(1); });
