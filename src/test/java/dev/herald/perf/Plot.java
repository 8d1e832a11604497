package dev.herald.perf;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Latency against offered load, log-log, one line per system and percentile: a PNG with no library but the JDK. */
final class Plot {

    private Plot() {}

    static void latency(Path png, Map<String, List<PerfBenchmark.Step>> bySystem) throws Exception {
        int w = 900, h = 560, left = 80, right = 30, top = 50, bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double xMin = 10, xMax = 10_000, yMin = 0.1, yMax = 10_000; // events/s; ms
        g.setColor(new Color(225, 228, 232));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double x = xMin; x <= xMax; x *= 10) {
            int px = x(x, xMin, xMax, left, w - right);
            g.drawLine(px, top, px, h - bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%,.0f", x), px - 10, h - bottom + 16);
            g.setColor(new Color(225, 228, 232));
        }
        for (double y = yMin; y <= yMax; y *= 10) {
            int py = y(y, yMin, yMax, top, h - bottom);
            g.drawLine(left, py, w - right, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(y < 1 ? String.valueOf(y) : String.format("%,.0f", y), 10, py + 4);
            g.setColor(new Color(225, 228, 232));
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("End-to-end latency (ms) against offered load (events/s), log-log", left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("offered load λ (events/s, Poisson)", w / 2 - 90, h - 18);
        // One colour per system (seven: the benchmark's four JMS systems and three more sources).
        Color[] colors = {new Color(11, 92, 173), new Color(198, 40, 40), new Color(26, 127, 55), new Color(230, 120, 0),
                new Color(106, 27, 154), new Color(0, 150, 160), new Color(120, 85, 60)};
        int c = 0, legend = top + 10;
        for (var e : bySystem.entrySet()) {
            Color color = colors[c++ % colors.length];
            for (int pct : new int[] {50, 99}) {
                g.setColor(color);
                g.setStroke(pct == 99 ? new BasicStroke(2.2f) : new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
                int[] prev = null;
                for (PerfBenchmark.Step s : e.getValue()) {
                    double ms = (pct == 99 ? s.p99Us() : s.p50Us()) / 1000.0;
                    int[] pt = {x(s.lambda(), xMin, xMax, left, w - right), y(Math.max(yMin, ms), yMin, yMax, top, h - bottom)};
                    g.fillOval(pt[0] - 3, pt[1] - 3, 6, 6);
                    if (prev != null) g.drawLine(prev[0], prev[1], pt[0], pt[1]);
                    prev = pt;
                }
                // Top left: a full run offers nothing below 100 events/s, so nothing is drawn there.
                g.drawLine(left + 20, legend, left + 50, legend);
                g.setColor(Color.BLACK);
                g.drawString(e.getKey() + " p" + pct, left + 58, legend + 4);
                legend += 18;
            }
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static int x(double v, double min, double max, int from, int to) {
        return (int) (from + (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) * (to - from));
    }

    private static int y(double v, double min, double max, int top, int bottom) {
        return (int) (bottom - (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) * (bottom - top));
    }
}
