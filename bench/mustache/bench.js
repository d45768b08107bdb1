// SPDX-License-Identifier: MIT
// Benchmark reference: render a template N times with mustache.js, as bench_render does.
'use strict';

const fs = require('fs');
const path = require('path');
const Mustache = require('mustache');

const DEFAULT_RENDERS = 2000;
const WARMUP_RENDERS = 100;
const NSEC_PER_SEC = 1e9;
const USEC_PER_SEC = 1e6;

// The mustache spec's HTML escaping (& < > "), which gwgen's html escaper
// implements; mustache.js's default also escapes ' / ` =.
const HTML_ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const ESCAPERS = {
  html: (v) => String(v).replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]),
  none: (v) => String(v),
};

function usage(code) {
  const msg = 'usage: node bench.js [-n N] [-p DIR]... [-e html|none] ' +
    '[-o OUT] TEMPLATE DATA.json\n';
  (code ? process.stderr : process.stdout).write(msg);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { n: DEFAULT_RENDERS, dirs: [], escape: 'html', out: null, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(2));
    if (a === '-n') o.n = Number(value());
    else if (a === '-p') o.dirs.push(value());
    else if (a === '-e') o.escape = value();
    else if (a === '-o') o.out = value();
    else if (a === '-h') usage(0);
    else o.rest.push(a);
  }
  if (o.rest.length !== 2 || !(o.n > 0) || !ESCAPERS[o.escape]) usage(2);
  return o;
}

// Every DIR/NAME.mustache, the first directory winning, like gwgen's loader.
function loadPartials(dirs) {
  const partials = {};
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir)) {
      const name = path.basename(f, '.mustache');
      if (f.endsWith('.mustache') && !(name in partials)) {
        partials[name] = fs.readFileSync(path.join(dir, f), 'utf8');
      }
    }
  }
  return partials;
}

// Peak RSS in KiB of this process's memory map (VmHWM), as bench_render
// reports it; resourceUsage().maxRSS where /proc is missing.
function peakRssKib() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch (e) {
    // no /proc: fall through
  }
  return process.resourceUsage().maxRSS;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const template = fs.readFileSync(o.rest[0], 'utf8');
  const view = JSON.parse(fs.readFileSync(o.rest[1], 'utf8'));
  const partials = loadPartials(o.dirs);
  Mustache.escape = ESCAPERS[o.escape];
  Mustache.parse(template); // compile once; render() reuses the cache

  let out = '';
  for (let i = 0; i < WARMUP_RENDERS; i++) out = Mustache.render(template, view, partials);
  if (o.out) fs.writeFileSync(o.out, out);
  const rssWarm = peakRssKib();
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let rssHalf = rssWarm;
  for (let i = 0; i < o.n; i++) {
    out = Mustache.render(template, view, partials);
    if (i === Math.floor(o.n / 2)) rssHalf = peakRssKib();
  }
  const cpuUsed = process.cpuUsage(cpu0); // microseconds, all threads
  const wall = Number(process.hrtime.bigint() - wall0) / NSEC_PER_SEC;
  const cpu = (cpuUsed.user + cpuUsed.system) / USEC_PER_SEC;
  const rssEnd = peakRssKib();
  const bytes = Buffer.byteLength(out);
  const cpuRate = o.n / cpu;
  const wallRate = o.n / wall;
  console.log(`mustache.js: ${cpuRate.toFixed(0)} renders per CPU second, ${wallRate.toFixed(0)} per wall second (${o.n} renders of ${bytes} bytes)`);
  console.log(`mustache.js: peak RSS ${rssWarm} KiB after ${WARMUP_RENDERS} warm-up renders, ${rssHalf} KiB halfway, ${rssEnd} KiB after ${o.n} more`);
  console.log(`RESULT impl=mustache.js cpu_rate=${cpuRate.toFixed(1)} wall_rate=${wallRate.toFixed(1)} bytes=${bytes} rss_warm_kib=${rssWarm} rss_end_kib=${rssEnd}`);
}

main();
