/**
 * `report.html`: one self-contained page (it opens offline) with a run's loss and every metric per
 * epoch (train and valid), the LR of every param group at every optimizer step, the epoch times,
 * the resolved recipe and the environment, built from the run folder's files (./run-files.ts).
 * The charts are uPlot's (MIT; ~50 kB, inlined with its CSS), drawn from the data embedded as JSON.
 *
 * The page exposes `window.sgReport.charts`: `{id, title, plot}` for each chart (plot: the uPlot
 * instance, whose `data` holds the points).
 */
import * as fs from 'fs';
import * as path from 'path';

import { readRunData, REPORT_FILE, RunData } from './run-files';

function uplotAssets(): { js: string; css: string } {
  const js = fs.readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = fs.readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { js, css };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3));

/** The page's script: draws the charts from the embedded data (runs in the browser). */
const PAGE_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('sg-report-data').textContent);
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var charts = [];
  function width(el) { return Math.max(300, el.clientWidth); }
  function chart(id, title, xLabel, yLabel, x, series, opts) {
    var el = document.createElement('div');
    el.className = 'chart';
    el.id = id;
    document.getElementById('charts').appendChild(el);
    series.forEach(function (s, i) { s.stroke = palette[i % palette.length]; });
    // A series without any value (a metric only validation computes) is left out.
    var shown = series.filter(function (s) { return s.values.some(function (v) { return v !== null; }); });
    if (shown.length > 0) series = shown;
    var uSeries = [{ label: xLabel }].concat(series.map(function (s) {
      return { label: s.label, stroke: s.stroke, width: 2, spanGaps: true, points: { show: !!(opts && opts.points) } };
    }));
    var xAxis = { label: xLabel };
    // Whole epochs on the x axis of the per-epoch charts.
    if (xLabel === 'epoch') xAxis.incrs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    var plot = new uPlot({
      title: title, width: width(el), height: 260, series: uSeries,
      scales: { x: { time: false } },
      axes: [xAxis, { label: yLabel, size: 64 }],
    }, [x].concat(series.map(function (s) { return s.values; })), el);
    charts.push({ id: id, title: title, plot: plot });
  }
  var epochs = data.epochs;
  var ex = epochs.map(function (e) { return e.epoch + 1; });
  if (epochs.length > 0) {
    chart('chart-loss', 'Loss', 'epoch', 'loss', ex, [
      { label: 'train', values: epochs.map(function (e) { return e.train_loss; }) },
      { label: 'valid', values: epochs.map(function (e) { return e.valid_loss; }) },
    ], { points: true });
    data.metrics.forEach(function (m, i) {
      chart('chart-metric-' + i, m, 'epoch', m, ex, [
        { label: 'train', values: epochs.map(function (e) { var v = e.train_metrics[m]; return v === undefined ? null : v; }) },
        { label: 'valid', values: epochs.map(function (e) { var v = e.valid_metrics[m]; return v === undefined ? null : v; }) },
      ], { points: true });
    });
  }
  if (data.steps.length > 0) {
    chart('chart-lr', 'Learning rate per optimizer step', 'step', 'lr', data.steps.map(function (s) { return s.step; }),
      data.groups.map(function (g) { return { label: g, values: data.steps.map(function (s) { var v = s.lr[g]; return v === undefined ? null : v; }) }; }));
  }
  if (epochs.length > 0) {
    chart('chart-time', 'Epoch time', 'epoch', 'seconds', ex, [{ label: 'seconds', values: epochs.map(function (e) { return e.seconds; }) }], { points: true });
  }
  window.sgReport = { charts: charts };
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.plot.setSize({ width: width(document.getElementById(c.id)), height: 260 }); }); });
})();
`;

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 1040px; padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; margin-bottom: .2em; } h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.sub { color: #666; margin-top: 0; }
#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 1em 1.5em; }
.chart { min-width: 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: right; } th { background: #f6f6f6; }
td:first-child, th:first-child { text-align: left; }
pre { background: #f6f6f6; padding: .8em; overflow: auto; max-height: 36em; font-size: 12px; }
`;

/** The page of a run's data. */
export function renderReport(data: RunData): string {
  const { js, css } = uplotAssets();
  const { epochs, steps, run } = data;
  const metrics = [...new Set(epochs.flatMap((e) => [...Object.keys(e.train_metrics), ...Object.keys(e.valid_metrics)]))];
  const groups = [...new Set(steps.flatMap((s) => Object.keys(s.lr)))];
  const experiment = run?.experiment ?? epochs[0]?.experiment ?? path.basename(data.dir);
  const maxEpochs = run?.maxEpochs;
  const last = epochs[epochs.length - 1];
  const table = (head: string[], rows: string[][]) =>
    `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  const lrNames = [...new Set(epochs.flatMap((e) => Object.keys(e.lr)))];
  const epochTable = table(
    ['epoch', 'train loss', ...metrics.map((m) => `train ${m}`), 'valid loss', ...metrics.map((m) => `valid ${m}`), ...lrNames.map((g) => `lr ${g}`), 'seconds'],
    epochs.map((e) => [
      String(e.epoch + 1),
      fmt(e.train_loss),
      ...metrics.map((m) => fmt(e.train_metrics[m])),
      fmt(e.valid_loss),
      ...metrics.map((m) => fmt(e.valid_metrics[m])),
      ...lrNames.map((g) => fmt(e.lr[g])),
      e.seconds.toFixed(1),
    ]),
  );
  const env = run?.environment;
  const envTable = env
    ? table(
        ['', ''],
        [
          ['sg-optim', env.sgOptim],
          ['LibTorch', `${env.libtorch}, ${env.libtorchSource}`],
          ['device', env.device],
          ['threads', String(env.threads)],
          ['CUDA build / available', `${env.cudaBuild} / ${env.cudaAvailable}`],
          ['CPU kernels', env.cpuKernels],
          ['Node.js', env.node],
          ['platform', `${env.platform}, ${env.cpus} CPUs, ${env.hostname}`],
          ['run started', `${run.started} (epoch ${run.startEpoch + 1})`],
        ],
      )
    : '<p>No run.json in this folder.</p>';
  const pageData = { epochs, steps, metrics, groups };
  const summary = last
    ? `${epochs.length}${maxEpochs ? ` of ${maxEpochs}` : ''} epochs; last: train loss ${fmt(last.train_loss)}${last.valid_loss !== null ? `, valid loss ${fmt(last.valid_loss)}` : ''}${Object.entries(last.valid_metrics)
      .map(([k, v]) => `, ${k} ${fmt(v)}`)
      .join('')}`
    : 'no epoch finished yet';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(experiment)}: sg-optim run report</title>
<style>${css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>${escapeHtml(experiment)}</h1>
<p class="sub">${escapeHtml(summary)}</p>
<div id="charts"></div>
<h2>Epochs</h2>
${epochTable}
<h2>Environment</h2>
${envTable}
<h2>Recipe (resolved)</h2>
<pre>${escapeHtml(JSON.stringify(run?.recipe ?? null, null, 2))}</pre>
<script id="sg-report-data" type="application/json">${scriptJson(pageData)}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** Writes `report.html` in a run folder from its files (atomically: a page open in a browser never sees half a file); returns its path. */
export function writeReport(dir: string): string {
  const file = path.join(dir, REPORT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, renderReport(readRunData(dir)));
  fs.renameSync(tmp, file);
  return file;
}
