// The docs' link checker (tools/check-links.mjs) on small Markdown trees made for each test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { anchors, checkFile, links, slug } from '../../tools/check-links.mjs';

function tree(files) {
  const dir = mkdtempSync(path.join(tmpdir(), 'links-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('slug follows GitHub: lower case, punctuation dropped, spaces to hyphens', () => {
  assert.equal(slug('3.1 The 2-D experiment (toy; the paper\'s Figure 2, code 2Dim/)'), '31-the-2-d-experiment-toy-the-papers-figure-2-code-2dim');
  assert.equal(slug('Speed'), 'speed');
  assert.equal(slug('What is measured'), 'what-is-measured');
});

test('anchors number repeated headings and ignore # lines in code blocks', () => {
  const a = anchors('# A\n## B\n## B\n```sh\n# not a heading\n```\n### `code` here\n');
  assert.deepEqual([...a], ['a', 'b', 'b-1', 'code-here']);
});

test('links finds links and images but not those in code', () => {
  const found = links('see [a](x.md) and ![pic](img.png "title")\n`[no](y.md)`\n```\n[no](z.md)\n```\n[b](<w.md#h>)');
  assert.deepEqual(found.map((l) => l.target), ['x.md', 'img.png', 'w.md#h']);
  assert.deepEqual(found.map((l) => l.line), [1, 1, 6]);
});

test('checkFile reports missing files and missing headings, and accepts the rest', () => {
  const dir = tree({
    'README.md': '# Top\n[ok](docs/a.md#second-part) [dir](docs) [gone](docs/none.md) [bad](docs/a.md#nope) [web](https://example.org/x) [self](#top) [selfbad](#missing)\n',
    'docs/a.md': '# A\n## Second part\n[up](../README.md#top)\n',
  });
  const broken = checkFile(path.join(dir, 'README.md'));
  assert.deepEqual(broken.map((b) => [b.target, b.why]), [
    ['docs/none.md', 'no such file'],
    ['docs/a.md#nope', 'no heading #nope'],
    ['#missing', 'no heading #missing'],
  ]);
  assert.deepEqual(checkFile(path.join(dir, 'docs/a.md')), []);
});
