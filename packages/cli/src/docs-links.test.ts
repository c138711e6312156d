import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';

// The README is the door to the docs (issue #20): small, and every relative link in it, in docs/,
// in each app's README and in the changelog resolves in a clone, anchors included.

const REPO = resolve(__dirname, '../../..');
const README_MAX_BYTES = 15 * 1024;
const markdown = new MarkdownIt({ html: true });

type Token = MarkdownIt.Token;

/** Relative link targets in a Markdown document: link hrefs, image sources, and those of raw HTML. */
function linkTargets(source: string): string[] {
  const targets: string[] = [];
  const fromHtml = (html: string) => {
    for (const match of html.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)) targets.push(match[1] ?? '');
  };
  const visit = (tokens: Token[]) => {
    for (const token of tokens) {
      if (token.type === 'link_open') targets.push(String(token.attrGet('href') ?? ''));
      if (token.type === 'image') targets.push(String(token.attrGet('src') ?? ''));
      if (token.type === 'html_block' || token.type === 'html_inline') fromHtml(token.content);
      if (token.children) visit(token.children);
    }
  };
  visit(markdown.parse(source, {}));
  // A scheme (https:, mailto:) or a protocol-relative URL leaves the repository.
  return targets.filter((target) => target !== '' && !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(target));
}

/** The anchors GitHub gives a Markdown document's headings. */
function headingAnchors(source: string): Set<string> {
  const slugger = new GithubSlugger();
  const tokens = markdown.parse(source, {});
  const anchors = new Set<string>();
  tokens.forEach((token, index) => {
    if (token.type !== 'heading_open') return;
    const inline = tokens[index + 1]?.children ?? [];
    const text = inline
      .filter((child) => child.type === 'text' || child.type === 'code_inline')
      .map((child) => child.content)
      .join('');
    anchors.add(slugger.slug(text));
  });
  return anchors;
}

/** The paths git would leave out of a clone (ignored); none outside a git checkout. */
function ignoredByGit(root: string, paths: string[]): Set<string> {
  const result = spawnSync('git', ['check-ignore', '--stdin'], { cwd: root, input: paths.join('\n') });
  return new Set(result.stdout.toString().split('\n').filter(Boolean));
}

/** Every relative link of the given documents that does not resolve, as `file: target (why)`. */
function brokenLinks(root: string, documents: string[]): string[] {
  const links = documents.flatMap((document) =>
    linkTargets(readFileSync(join(root, document), 'utf8')).map((target) => {
      const [rawPath = '', anchor = ''] = target.split('#', 2);
      const path = decodeURIComponent(rawPath.split('?')[0] ?? '');
      const file = path === '' ? join(root, document) : resolve(join(root, dirname(document)), path);
      return { document, target, file, anchor: decodeURIComponent(anchor) };
    }),
  );
  const inside = (file: string) => file.startsWith(root + sep);
  const ignored = ignoredByGit(
    root,
    links.filter((link) => inside(link.file)).map((link) => relative(root, link.file)),
  );
  const problem = ({ file, anchor }: (typeof links)[number]): string | undefined => {
    if (!inside(file)) return 'outside the repository';
    if (!existsSync(file)) return 'no such file';
    if (ignored.has(relative(root, file))) return 'ignored by git, so missing in a clone';
    if (anchor === '') return undefined;
    if (statSync(file).isDirectory() || !file.endsWith('.md')) return 'anchor into a non-Markdown file';
    return headingAnchors(readFileSync(file, 'utf8')).has(anchor) ? undefined : 'no such heading';
  };
  return links.flatMap((link) => {
    const why = problem(link);
    return why === undefined ? [] : [`${link.document}: ${link.target} (${why})`];
  });
}

/** README.md, CHANGELOG.md, docs/**\/*.md and every app's and package's README. */
function documents(root: string): string[] {
  const inDocs = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? inDocs(join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [join(dir, entry.name)]
          : [],
    );
  const readmes = ['apps', 'packages'].flatMap((parent) =>
    readdirSync(join(root, parent))
      .map((name) => join(parent, name, 'README.md'))
      .filter((path) => existsSync(join(root, path))),
  );
  return ['README.md', 'CHANGELOG.md', ...inDocs('docs'), ...readmes];
}

describe('documentation links', () => {
  it(`keeps README.md within ${README_MAX_BYTES} bytes`, () => {
    expect(statSync(join(REPO, 'README.md')).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  it('finds the documents: the README, the changelog, docs/ and every app README', () => {
    const found = documents(REPO);
    expect(found).toEqual(
      expect.arrayContaining([
        'README.md',
        'CHANGELOG.md',
        'docs/api.md',
        'docs/configuration.md',
        ...['api', 'scraper', 'audio', 'uploader'].map((app) => `apps/${app}/README.md`),
      ]),
    );
  });

  it('resolves every relative link and anchor in them', () => {
    expect(brokenLinks(REPO, documents(REPO))).toEqual([]);
  });

  it('reports a missing file, a missing heading and a link out of the repository', () => {
    const root = mkdtempSync(join(tmpdir(), 'podfleet-links-'));
    try {
      writeFileSync(join(root, 'target.md'), '# Target\n\n## Running the fleet\n\n## Running the fleet\n');
      writeFileSync(
        join(root, 'doc.md'),
        [
          '# Doc',
          '[ok](target.md#running-the-fleet) [second](target.md#running-the-fleet-1) [self](#doc)',
          '[web](https://example.com/missing.md) [mail](mailto:a@example.com)',
          '[gone](missing.md) [heading](target.md#no-such-heading) [up](../elsewhere.md)',
          '<img src="missing.png" alt="">',
          '```md\n[in code](not-a-link.md)\n```',
        ].join('\n\n'),
      );
      expect(brokenLinks(root, ['doc.md'])).toEqual([
        'doc.md: missing.md (no such file)',
        'doc.md: target.md#no-such-heading (no such heading)',
        'doc.md: ../elsewhere.md (outside the repository)',
        'doc.md: missing.png (no such file)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
