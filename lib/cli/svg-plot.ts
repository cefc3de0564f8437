/**
 * A small SVG line chart (no dependency): one polyline per series over a shared x axis.
 */
export interface Series {
  name: string;
  values: Array<number | null>;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-2 && a < 1e4 ? Number(v.toPrecision(3)).toString() : v.toExponential(1);
}

export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[], xTicks: Array<{ at: number; label: string }> = []): string {
  const width = 900;
  const height = 420;
  const m = { left: 80, right: 170, top: 40, bottom: 50 };
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const yMin = Math.min(0, ...all);
  const yMax = all.length ? Math.max(...all) : 1;
  const span = yMax - yMin || 1;
  const x = (i: number) => m.left + (i / Math.max(1, n - 1)) * (width - m.left - m.right);
  const y = (v: number) => height - m.bottom - ((v - yMin) / span) * (height - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="black"/>`,
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="18" y="${height / 2}" text-anchor="middle" transform="rotate(-90 18 ${height / 2})">${escapeXml(yLabel)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = yMin + (span * k) / 4;
    parts.push(`<line x1="${m.left - 4}" y1="${y(v)}" x2="${width - m.right}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end">${niceNumber(v)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${x(t.at)}" y1="${height - m.bottom}" x2="${x(t.at)}" y2="${height - m.bottom + 4}" stroke="black"/>`);
    parts.push(`<text x="${x(t.at)}" y="${height - m.bottom + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    let d = '';
    let pen = false;
    s.values.forEach((v, j) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(j).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"><title>${escapeXml(s.name)}</title></path>`);
    parts.push(`<rect x="${width - m.right + 15}" y="${m.top + i * 20}" width="12" height="12" fill="${color}"/>`);
    parts.push(`<text x="${width - m.right + 32}" y="${m.top + i * 20 + 10}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
