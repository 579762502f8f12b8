// Same measurement for the npm package vader-sentiment (JS port of VADER).
'use strict';
const path = require('path');
const fs = require('fs');
const vader = require(path.join(__dirname, 'node_modules', 'vader-sentiment'));
const file = process.argv[2];
const secs = parseFloat(process.argv[3] || '3');
const dec = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };
const texts = [];
for (const line of fs.readFileSync(file).toString('latin1').split('\n')) {
  const f = line.replace(/\r$/, '').split('\t');
  if (f.length < 3) continue;
  texts.push(f.slice(2).join('\t').replace(/&(amp|lt|gt|quot);/g, (m) => dec[m]));
}
let sink = 0;
for (const t of texts) sink += vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
let done = 0;
const t0 = process.hrtime.bigint();
let el;
do {
  for (const t of texts) sink += vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
  done += texts.length;
  el = Number(process.hrtime.bigint() - t0) / 1e9;
} while (el < secs);
console.log(`node vader-sentiment ${require(path.join(__dirname, 'node_modules', 'vader-sentiment', 'package.json')).version}  ${texts.length} texts, ${el.toFixed(1)} s`);
console.log(`  throughput      ${(done / el).toFixed(0)} texts/s`);
console.log(`  per text        ${(el * 1e6 / done).toFixed(3)} us`);
console.log(`  peak RSS        ${Math.round(process.resourceUsage().maxRSS)} KiB`);
