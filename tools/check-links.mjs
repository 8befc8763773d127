#!/usr/bin/env node
// Checks the relative links of README.md and docs/*.md: every `[text](target)` and
// `![alt](target)` outside code must name a file or folder that exists, and an `#anchor` into
// a Markdown file must match one of its headings (GitHub's slugs). Links with a scheme
// (https:, mailto:) are not followed. Exits 1 and lists the broken links, or prints a summary.
//
//   node tools/check-links.mjs [FILE.md ...]     (default: README.md and docs/*.md)

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Markdown without its fenced code blocks (a `# comment` there is no heading). */
export function stripFences(md) {
  return md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading) {
  return heading.trim().toLowerCase().replace(/<[^>]*>/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a Markdown text's headings (duplicates get -1, -2, ... as on GitHub). */
export function anchors(md) {
  const seen = new Map();
  const out = new Set();
  for (const m of stripFences(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1].replace(/`/g, ''));
    const n = seen.get(base) || 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** The link targets of a Markdown text, with their line numbers. */
export function links(md) {
  const out = [];
  const text = md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
  const re = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
  for (const m of text.matchAll(re)) {
    out.push({ target: m[1], line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

/** Broken relative links of the Markdown file `file`: [{ file, line, target, why }]. */
export function checkFile(file) {
  const md = readFileSync(file, 'utf8');
  const broken = [];
  for (const { target, line } of links(md)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
    const [rawPath, anchor] = target.split('#', 2);
    let where = file;
    if (rawPath) {
      let decoded;
      try { decoded = decodeURIComponent(rawPath); } catch { decoded = rawPath; }
      where = path.resolve(path.dirname(file), decoded);
      if (!existsSync(where)) { broken.push({ file, line, target, why: 'no such file' }); continue; }
    }
    if (anchor && where.endsWith('.md') && statSync(where).isFile()) {
      if (!anchors(readFileSync(where, 'utf8')).has(anchor.toLowerCase())) broken.push({ file, line, target, why: `no heading #${anchor}` });
    }
  }
  return broken;
}

/** README.md and every Markdown file in docs/. */
export function defaultFiles(root = ROOT) {
  const docs = path.join(root, 'docs');
  const inDocs = existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => path.join(docs, f)) : [];
  return [path.join(root, 'README.md'), ...inDocs.sort()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => path.resolve(f)) : defaultFiles();
  const broken = files.flatMap(checkFile);
  const count = files.reduce((n, f) => n + links(readFileSync(f, 'utf8')).length, 0);
  for (const b of broken) console.error(`${path.relative(ROOT, b.file)}:${b.line}: ${b.target}: ${b.why}`);
  if (broken.length) {
    console.error(`${broken.length} broken link(s)`);
    process.exit(1);
  }
  console.log(`links: ${count} in ${files.length} files, all relative ones resolve`);
}
