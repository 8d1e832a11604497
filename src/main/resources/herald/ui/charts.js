// The charts the operators' console and the partner portal draw, as inline SVG: no library, no
// network. Every label is set as text, never as HTML.
"use strict";
const HeraldCharts = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const W = 600, H = 110;
  const time = (t) => new Date(t).toLocaleString();

  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }
  function legend(text) {
    const d = document.createElement("div");
    d.className = "legend";
    d.textContent = text;
    return d;
  }
  function frame(testid, label) {
    return svg("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", "data-testid": testid, role: "img", "aria-label": label });
  }
  // A series of values (null: none) as a line with a dot per value, scaled to `top`.
  function line(chart, values, top, color, name, labels) {
    const step = W / values.length;
    const at = (v, i) => [i * step + step / 2, H - (v / top) * (H - 10)];
    chart.append(svg("polyline", { fill: "none", stroke: color, "stroke-width": 2, "data-series": name,
      points: values.map((v, i) => v === null ? null : at(v, i).join(",")).filter(Boolean).join(" ") }));
    values.forEach((v, i) => {
      if (v === null) return;
      const [x, y] = at(v, i);
      chart.append(svg("circle", { cx: x, cy: y, r: 3, fill: color }, svg("title", {}, `${labels[i]}: ${name} ${v}`)));
    });
  }

  // A subscription's buckets (AttemptSeries): attempts succeeded over failed, and latency p50/p99.
  function attempts(buckets, bucketSeconds) {
    const n = buckets.length, bw = W / n;
    const most = Math.max(1, ...buckets.map((b) => b.succeeded + b.failed));
    const bars = frame("chart-deliveries", "attempts per bucket, succeeded and failed");
    buckets.forEach((b, i) => {
      const ok = (b.succeeded / most) * (H - 10), bad = (b.failed / most) * (H - 10);
      if (ok > 0) bars.append(svg("rect", { x: i * bw + 1, y: H - ok, width: bw - 2, height: ok, fill: "#1a7f37", "data-series": "succeeded" },
        svg("title", {}, `${time(b.start)}: ${b.succeeded} succeeded`)));
      if (bad > 0) bars.append(svg("rect", { x: i * bw + 1, y: H - ok - bad, width: bw - 2, height: bad, fill: "#c62828", "data-series": "failed" },
        svg("title", {}, `${time(b.start)}: ${b.failed} failed`)));
    });
    const slowest = Math.max(1, ...buckets.map((b) => b.p99 || 0));
    const latency = frame("chart-latency", "latency p50 and p99 per bucket");
    const labels = buckets.map((b) => time(b.start));
    line(latency, buckets.map((b) => b.p99), slowest, "#c62828", "p99 ms", labels);
    line(latency, buckets.map((b) => b.p50), slowest, "#0b5cad", "p50 ms", labels);
    const total = buckets.reduce((s, b) => s + b.succeeded + b.failed, 0);
    return [legend(`Attempts per ${Math.round(bucketSeconds / 60)} minutes (green succeeded, red failed; highest ${most}); ${total} in all`), bars,
      legend(`Latency, ms (blue p50, red p99; highest p99 ${slowest} ms)`), latency];
  }

  // Queues over time (QueueHistory): one line each, on one scale.
  function queues(history) {
    if (!history.queues.length) return [legend(history.note || "No queue samples yet.")];
    const colors = ["#0b5cad", "#1a7f37", "#c62828", "#9a6700", "#6f42c1"];
    const top = Math.max(1, ...history.queues.flatMap((q) => q.points.map((p) => p.depth)));
    const chart = frame("chart-queues", "queue depths over the last hour");
    const parts = [];
    history.queues.forEach((q, i) => {
      const color = colors[i % colors.length];
      line(chart, q.points.map((p) => p.depth), top, color, q.name, q.points.map((p) => time(p.at)));
      const now = q.points.length ? q.points[q.points.length - 1].depth : 0;
      parts.push(`${q.name} ${now}`);
    });
    return [legend(`Messages waiting, sampled every ${history.sampleSeconds} s over the last hour (highest ${top}); now: ${parts.join(", ")}`),
      chart];
  }

  return { attempts, queues };
})();
