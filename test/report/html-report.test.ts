/**
 * report.html of a real training run, opened in headless Chromium (Debian's `chromium`, which
 * scripts/setup.sh installs; CHROMIUM overrides the path) through playwright-core: no console
 * errors, every chart with the logged number of points, and a screenshot
 * (SG_REPORT_SCREENSHOT, default <tmp>/sg-optim-report.png). Without a Chromium the browser test
 * is skipped with a message, except under CI (CI set), where it fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';

import { packageRoot } from '../../lib/package-root';
import { renderReport } from '../../lib/report/html-report';
import { readRunData, REPORT_FILE } from '../../lib/report/run-files';
import { trainRun } from './run-files-helpers';

function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

interface ChartInfo {
  id: string;
  title: string;
  points: number;
  series: Array<{ label: string; values: number }>;
}

describe('report: report.html of a training run', function () {
  let root: string;
  let dir: string;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-report-'));
    ({ dir } = await trainRun(root, 'report'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is written beside the checkpoints after each epoch, self-contained (no external URL)', () => {
    const html = fs.readFileSync(path.join(dir, REPORT_FILE), 'utf8');
    assert.ok(html.includes('uPlot'), 'uPlot inlined');
    assert.equal(/<(script|link|img)[^>]+(src|href)=/i.test(html), false, 'no external script, style or image');
    assert.equal(/https?:\/\/(?!github\.com\/leeoniya)/.test(html), false, 'no URL but the licence line of uPlot');
    const run = readRunData(dir);
    assert.equal(html, renderReport(run), 'the file is the page of the folder as it is now');
    assert.ok(html.includes('&quot;recipe_config&quot;') && html.includes('twoGroupNet'), 'the recipe');
    assert.equal(run.run!.environment.threads > 0, true);
    assert.match(html, new RegExp(`<td>sg-optim</td><td>${JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version}</td>`));
    assert.match(html, /<td>LibTorch<\/td><td>\d+\.\d+/);
    assert.match(html, /<td>device<\/td><td>cpu<\/td>/);
  });

  it('`sg-optim report <folder>` rebuilds it from the log', () => {
    const file = path.join(dir, REPORT_FILE);
    const before = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const res = spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'lib', 'cli', 'main.js'), 'report', dir], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, `wrote ${file}\n`);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    const bad = spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'lib', 'cli', 'main.js'), 'report', root], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /no log\.jsonl/);
  });

  it('opens in headless Chromium without console errors, each chart with the logged number of points', async function () {
    const executablePath = chromiumPath();
    if (executablePath === null) {
      if (process.env.CI) assert.fail('no Chromium (scripts/setup.sh installs Debian\'s chromium; or set CHROMIUM)');
      console.log('      (skipped: no Chromium; apt-get install chromium, or set CHROMIUM)');
      this.skip();
    }
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) errors.push(`request: ${r.url()}`);
      });
      await page.goto(`file://${path.join(dir, REPORT_FILE)}`);
      await page.waitForFunction(() => (globalThis as unknown as { sgReport?: unknown }).sgReport !== undefined);
      const charts: ChartInfo[] = await page.evaluate(() => {
        type Plot = { data: Array<Array<number | null>>; series: Array<{ label?: string }> };
        const report = (globalThis as unknown as { sgReport: { charts: Array<{ id: string; title: string; plot: Plot }> } }).sgReport;
        return report.charts.map((c) => ({
          id: c.id,
          title: c.title,
          points: c.plot.data[0].length,
          series: c.plot.series.slice(1).map((s, i) => ({ label: String(s.label), values: c.plot.data[i + 1].filter((v) => v !== null && v !== undefined).length })),
        }));
      });
      const { epochs, steps } = readRunData(dir);
      const validated = epochs.filter((e) => e.valid_loss !== null).length;
      assert.equal(epochs.length, 4);
      assert.equal(validated, 2);
      assert.deepEqual(charts, [
        { id: 'chart-loss', title: 'Loss', points: 4, series: [{ label: 'train', values: 4 }, { label: 'valid', values: 2 }] },
        { id: 'chart-metric-0', title: 'Accuracy', points: 4, series: [{ label: 'train', values: 4 }, { label: 'valid', values: 2 }] },
        { id: 'chart-metric-1', title: 'Top5', points: 4, series: [{ label: 'valid', values: 2 }] },
        { id: 'chart-lr', title: 'Learning rate per optimizer step', points: steps.length, series: [{ label: 'backbone', values: 20 }, { label: 'default', values: 20 }] },
        { id: 'chart-time', title: 'Epoch time', points: 4, series: [{ label: 'seconds', values: 4 }] },
      ]);
      // The values drawn are the logged ones.
      const drawn = await page.evaluate(() => (globalThis as unknown as { sgReport: { charts: Array<{ plot: { data: number[][] } }> } }).sgReport.charts[3].plot.data[2]);
      assert.deepEqual(drawn, steps.map((s) => s.lr.default));
      // Each chart drew a canvas of its width.
      const canvases = await page.$$eval('#charts canvas', (els) => els.map((c) => (c as unknown as { width: number }).width));
      assert.equal(canvases.length, 5);
      canvases.forEach((w) => assert.ok(w > 300));
      const shot = process.env.SG_REPORT_SCREENSHOT ?? path.join(os.tmpdir(), 'sg-optim-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(fs.statSync(shot).size > 10_000, `screenshot ${shot}`);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
