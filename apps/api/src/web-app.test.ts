// The web app in a real browser (Debian's Chromium through playwright-core) against the real
// fleet: the API serving the built page, workers with the real espeak/ffmpeg audio stage, Redis
// and PostgreSQL. Each page is checked with axe-core and photographed at 375 and 1280 px
// (docs/screenshots/).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type FakeServer, makeTempDir, startHttpServer, waitFor } from '@podfleet/test-kit';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startTestFleet, type TestFleet } from '../test/fleet';
import { ADMIN_KEY, startTestApi, type TestApi, testEnv } from '../test/harness';
import { bundledWebDir } from './web-dir';

const WEB_APP = join(__dirname, '..', '..', 'web');
const SCREENSHOTS = join(__dirname, '..', '..', '..', 'docs', 'screenshots');
const WIDTHS = [375, 1280] as const;
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

const ARTICLE = `<!doctype html><html lang="en"><head><title>Harbour lights return</title></head><body><article>
<h1>Harbour lights return</h1>
${[
  'The old harbour lights were switched back on last night after a two-year restoration by volunteers.',
  'Engineers replaced the lenses with copies made from the original drawings kept in the town archive.',
  'Fishing crews said the beam can again be seen from the outer reef, which makes the night passage safer.',
  'The council plans guided tours of the lamp room every Saturday morning during the summer months.',
]
  .map((p) => `<p>${p} ${p}</p>`)
  .join('\n')}
</article></body></html>`;

interface ProgressSample {
  value: number;
  text: string;
}

describe('web app in Chromium', () => {
  const env = testEnv(process.env, 'web-app');
  let t: TestApi;
  let fleet: TestFleet;
  let base: string;
  let cache: { dir: string; remove(): Promise<void> };
  let browser: Browser;
  let listener: BrowserContext;
  let page: Page;
  let key: string;
  let listenerEmail: string;
  let article: FakeServer;
  let releaseArticle: () => void = () => {};
  const articleHeld = new Promise<void>((resolve) => {
    releaseArticle = resolve;
  });
  const cspViolations: string[] = [];
  let buildReport: { jsGzipBytes: number; jsBudgetBytes: number };

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('Chromium is not installed (apt-get install chromium; .ci/run does it)');
    // The page is built from source for this run: what is tested is what the API serves.
    await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'build.ts'], { cwd: WEB_APP });
    buildReport = JSON.parse(readFileSync(join(bundledWebDir(), 'build.json'), 'utf8'));
    cache = await makeTempDir('podfleet-web-tts-');
    t = await startTestApi(env, { settings: { webDir: bundledWebDir() } });
    base = await t.listen();
    fleet = await startTestFleet(env, t.api.pipeline, { kind: 'real', cacheDir: cache.dir });
    // A news site whose article arrives only when the test says so: a job held in its first stage.
    article = await startHttpServer(async (_req, res) => {
      await articleHeld;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(ARTICLE);
    });
    ({
      key,
      user: { email: listenerEmail },
    } = await t.createUser());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
    });
    listener = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await listener.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await newPage(listener);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    releaseArticle();
    await browser?.close();
    await fleet?.close();
    await t?.close();
    await article?.close();
    await cache?.remove();
  });

  async function newPage(context: BrowserContext): Promise<Page> {
    const p = await context.newPage();
    p.on('console', (msg) => {
      if (/Content.Security.Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    // Every change of the progress bar, as the page makes it (the poll of a test would miss some).
    await p.addInitScript(`
      const seen = [];
      window.progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role=progressbar]');
        if (!bar) return;
        const sample = { value: Number(bar.getAttribute('aria-valuenow')), text: bar.getAttribute('aria-valuetext') ?? '' };
        const last = seen.at(-1);
        if (!last || last.value !== sample.value || last.text !== sample.text) seen.push(sample);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    `);
    return p;
  }

  /** axe-core on the page as it stands: no serious or critical violation; then the screenshots. */
  async function check(p: Page, name: string) {
    for (const width of WIDTHS) {
      await p.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      // Evaluated through the DevTools protocol, which the page's CSP does not govern.
      await p.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
      const violations = await p.evaluate(async () => {
        const { axe } = globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } };
        const result = await axe.run();
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      expect({ page: name, width, violations }).toEqual({ page: name, width, violations: [] });
      await p.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    }
    await p.setViewportSize({ width: 1280, height: 900 });
  }

  const signIn = async (p: Page, apiKey: string) => {
    await p.goto(`${base}/`);
    await p.getByLabel('API key').fill(apiKey);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };
  const progressSeen = (p: Page) => p.evaluate<ProgressSample[]>('window.progressSeen');
  const audio = (p: Page) => p.locator('audio');

  it('is served at / with hashed, long-cached assets under a strict CSP, its JavaScript within budget', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
    const script = html.match(/src="(\/assets\/app-[A-Z0-9]+\.js)"/)?.[1];
    if (!script) throw new Error('no hashed script in index.html');
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(buildReport.jsGzipBytes).toBeGreaterThan(1000);
    expect(buildReport.jsGzipBytes).toBeLessThanOrEqual(150 * 1024);
  });

  it('a bad key shows a clear message', async () => {
    await signIn(page, 'pf_not-a-real-key');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('This API key was not accepted');
    await check(page, 'sign-in');
    // The key is nowhere but this tab's session storage: not in the URL, not in a cookie.
    expect(page.url()).not.toContain('pf_');
    expect(await listener.cookies()).toEqual([]);
  });

  it('signs in and creates an episode from text: the bar moves to 100 naming the stages, then the player opens', async () => {
    await signIn(page, key);
    await page.getByRole('heading', { name: 'Create an episode' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    await check(page, 'create');
    await page.getByLabel('Title', { exact: true }).fill('Harbour lights');
    await page
      .getByLabel('Text', { exact: true })
      .fill(
        'The old harbour lights were switched back on after a restoration by volunteers. ' +
          'Engineers replaced the lenses with copies of the originals. Fishing crews say the beam ' +
          'is visible from the outer reef again, and the council plans Saturday tours of the lamp room.',
      );
    await page.getByLabel('Minutes').fill('0.5');
    await page.getByRole('button', { name: 'Create episode' }).click();
    await page.waitForURL(/#\/episodes\//, { timeout: 90_000 });

    const seen = await progressSeen(page);
    const values = seen.map((s) => s.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(100);
    expect(values.some((v) => v > 0 && v < 100)).toBe(true);
    const texts = seen.map((s) => s.text);
    expect(texts.some((s) => /Voicing: voicing line \d+ of \d+/.test(s))).toBe(true);
    expect(texts.at(-1)).toBe('100%: Done: the episode is ready');
  });

  it('plays the episode: the time advances, the spoken line is marked, clicking the fourth line seeks to its start', async () => {
    const transcript = page.getByRole('region', { name: 'Transcript' });
    const lines = transcript.getByRole('button');
    await waitFor(async () => (await lines.count()) >= 4, { what: 'four transcript lines' });
    await check(page, 'episode');
    await audio(page).evaluate((el: Player) => el.play());
    await waitFor(() => audio(page).evaluate((el: Player) => el.currentTime > 0.3), {
      timeoutMs: 20_000,
      what: 'playback to advance',
    });
    await waitFor(async () => (await transcript.locator('[aria-current="true"]').count()) === 1, {
      what: 'the spoken line to be marked',
    });
    // Playing records one listen (pre-generation targeting).
    await waitFor(
      async () => {
        const me = await fetch(`${base}/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
        return ((await me.json()) as { user: { listens: number } }).user.listens === 1;
      },
      { what: 'the listen to be recorded' },
    );

    const fourth = lines.nth(3);
    const start = Number(await fourth.getAttribute('data-start'));
    expect(start).toBeGreaterThan(0);
    await fourth.click();
    const time = await audio(page).evaluate((el: Player) => el.currentTime);
    expect(time).toBeGreaterThanOrEqual(start - 0.05);
    expect(time).toBeLessThan(start + 1);
    await expect(fourth.getAttribute('aria-current')).resolves.toBe('true');
    await audio(page).evaluate((el: Player) => el.pause());
  });

  it('finds the episode in the library and copies the feed URL', async () => {
    await page.getByRole('link', { name: 'Library' }).click();
    await page.getByLabel('Search by title').fill('harbour');
    const found = page.getByRole('list').getByRole('link');
    await waitFor(async () => (await found.count()) === 1, { what: 'the episode in the library' });
    await page.getByLabel('Kind').selectOption('daily');
    await waitFor(async () => (await found.count()) === 0, { what: 'the daily filter to hide it' });
    await page.getByLabel('Kind').selectOption('custom');
    await check(page, 'library');

    const me = await fetch(`${base}/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    const { feedUrl } = (await me.json()) as { feedUrl: string };
    await page.getByRole('button', { name: 'Copy feed URL' }).click();
    await page.getByRole('status').filter({ hasText: 'Feed URL copied.' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(feedUrl);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Timezone').waitFor();
    await waitFor(async () => (await page.getByLabel('Timezone').inputValue()) !== '', { what: 'settings' });
    await check(page, 'settings');
    await page.getByLabel('Timezone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    const saved = await fetch(`${base}/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    expect(((await saved.json()) as { user: { timezone: string } }).user.timezone).toBe('Europe/Berlin');
  });

  it('follows a job through a reload and a dropped event stream', async () => {
    await page.getByRole('link', { name: 'Create' }).click();
    await page.getByLabel('From a web address').check();
    await page.getByLabel('Web address', { exact: true }).fill(`${article.url}/harbour`);
    await page.getByLabel('Minutes').fill('0.5');
    const streams: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/events')) streams.push(req.url());
    });
    await page.getByRole('button', { name: 'Create episode' }).click();
    await page.waitForURL(/#\/jobs\//);
    const bar = page.getByRole('progressbar');
    await waitFor(async () => /Gathering sources/.test((await bar.getAttribute('aria-valuetext')) ?? ''), {
      what: 'the held job to be gathering sources',
    });
    await check(page, 'job');

    // A reload lands on the same job and follows it again.
    await page.reload();
    await waitFor(async () => /Gathering sources/.test((await bar.getAttribute('aria-valuetext')) ?? ''), {
      what: 'the reloaded page to follow the job',
    });
    // The server drops every stream (as a replica shutting down does): the page reconnects.
    const before = streams.length;
    t.api.streams.closeAll();
    await waitFor(() => streams.length > before, { what: 'the page to reopen the stream' });
    releaseArticle();
    await page.waitForURL(/#\/episodes\//, { timeout: 90_000 });
    const seen = await progressSeen(page);
    expect(seen.at(-1)?.value).toBe(100);
    expect(seen.some((s) => /Writing the script|Voicing/.test(s.text))).toBe(true);
  });

  it("today's episode: made once, then a cache hit opens the player at once", async () => {
    const saved = await fetch(`${base}/v1/me`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        sources: [{ kind: 'text', title: 'Tide tables', text: 'High tide is at noon; low tide at six.' }],
        style: { targetMinutes: 0.5 },
      }),
    });
    expect(saved.status).toBe(200);
    await page.getByRole('link', { name: 'Create' }).click();
    await page.getByRole('button', { name: "Today's episode" }).click();
    await page.waitForURL(/#\/jobs\//);
    await page.waitForURL(/#\/episodes\//, { timeout: 90_000 });
    const made = page.url();

    await page.getByRole('link', { name: 'Create' }).click();
    const streams: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/events')) streams.push(req.url());
    });
    await page.getByRole('button', { name: "Today's episode" }).click();
    await page.waitForURL(/#\/episodes\//);
    expect(page.url()).toBe(made);
    expect(streams).toEqual([]); // no job to follow: the cache answered
  });

  it("the admin finds the job and sees its timeline and stage rows, and revokes a user's key", async () => {
    const jobs = await fetch(`${base}/v1/jobs?limit=10`, { headers: { Authorization: `Bearer ${key}` } });
    const textJob = ((await jobs.json()) as { items: Array<{ id: string }> }).items.at(-1);
    if (!textJob) throw new Error('no job of the listener');
    const operator = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const admin = await newPage(operator);
      await signIn(admin, ADMIN_KEY);
      await admin.getByRole('heading', { name: 'Jobs' }).waitFor();
      await admin.getByLabel('Job id, e-mail, error or title').fill(textJob.id);
      await admin.getByRole('button', { name: 'Search' }).click();
      await admin.getByRole('link', { name: textJob.id }).waitFor();
      await check(admin, 'admin-jobs');
      await admin.getByRole('link', { name: textJob.id }).click();
      const timeline = admin.getByRole('list', { name: 'Timeline' });
      await timeline.waitFor();
      const events = await timeline.getByRole('listitem').allTextContents();
      expect(events.some((e) => e.includes('created'))).toBe(true);
      expect(events.some((e) => e.includes('completed'))).toBe(true);
      const stageRows = await admin.getByRole('row').allTextContents();
      for (const stage of ['scrape', 'script', 'audio', 'upload'])
        expect(stageRows.some((row) => row.startsWith(stage) && row.includes('completed'))).toBe(true);
      await check(admin, 'admin-job');
      await admin.getByRole('link', { name: 'Fleet' }).click();
      await admin.getByRole('link', { name: 'Open Bull Board' }).waitFor();
      await admin.getByText('Queue depth').waitFor();
      await check(admin, 'admin-fleet');

      // A leaked key: the operator finds the user, sees the key's prefix and revokes it.
      const spare = (await (
        await fetch(`${base}/v1/keys`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'spare' }),
        })
      ).json()) as { apiKey: string; key: { prefix: string } };
      await admin.getByRole('link', { name: 'Users' }).click();
      await admin.getByLabel('E-mail contains').fill(listenerEmail);
      await admin.getByRole('button', { name: 'Find users' }).click();
      await admin.getByRole('button', { name: listenerEmail }).click();
      await admin.getByRole('button', { name: `Revoke key ${spare.key.prefix}` }).click();
      await admin.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
      const refused = await fetch(`${base}/v1/me`, { headers: { Authorization: `Bearer ${spare.apiKey}` } });
      expect(refused.status).toBe(401);
      await check(admin, 'admin-users');
    } finally {
      await operator.close();
    }
  });

  it('/docs is an API reference (Swagger UI) over the served document, working under its CSP', async () => {
    const docs = await newPage(listener);
    try {
      await docs.goto(`${base}/docs`);
      // Every operation is listed, named by its operationId.
      await docs.getByText('requestEpisode', { exact: true }).waitFor();
      expect(await docs.locator('.opblock').count()).toBeGreaterThan(40);
      for (const width of WIDTHS) {
        await docs.setViewportSize({ width, height: 900 });
        await docs.screenshot({ path: join(SCREENSHOTS, `docs-${width}.png`) });
      }
    } finally {
      await docs.close();
    }
  });

  it('the pages broke no Content-Security-Policy rule', () => {
    expect(cspViolations).toEqual([]);
  });
});

/** The <audio> element as the test uses it (this program has no DOM types). */
interface Player {
  currentTime: number;
  play(): Promise<void>;
  pause(): void;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}
