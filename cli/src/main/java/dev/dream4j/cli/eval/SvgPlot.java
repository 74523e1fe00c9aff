package dev.dream4j.cli.eval;

import java.util.List;
import java.util.Locale;

/** A small scatter-and-line SVG: accuracy (y, 0..1) against parallelism (x), one labelled point per setting. */
public final class SvgPlot {
    /** One point of the plot. */
    public record Point(double x, double y, String label) {
    }

    private SvgPlot() {
    }

    public static String render(String title, String xLabel, String yLabel, List<Point> points) {
        int w = 640;
        int h = 420;
        int left = 70;
        int right = 30;
        int top = 50;
        int bottom = 60;
        double xMax = points.stream().mapToDouble(Point::x).max().orElse(1);
        double xMin = points.stream().mapToDouble(Point::x).min().orElse(0);
        double span = xMax - xMin;
        double x0 = Math.max(0, xMin - Math.max(span * 0.1, 0.5));
        double x1 = xMax + Math.max(span * 0.1, 0.5);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h, w, h));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"28\" font-size=\"15\" text-anchor=\"middle\">%s</text>%n", w / 2, escape(title)));
        int pw = w - left - right;
        int ph = h - top - bottom;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n", left, top, pw, ph));
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            double y = top + ph * (1 - v);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", left, left + pw, y, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n", left - 6, y + 4, v));
            double xv = x0 + (x1 - x0) * i / 4.0;
            double x = left + pw * i / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>%n", x, top + ph + 18, xv));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", left + pw / 2, h - 15, escape(xLabel)));
        s.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">%s</text>%n", top + ph / 2, top + ph / 2, escape(yLabel)));
        StringBuilder line = new StringBuilder();
        List<Point> sorted = points.stream().sorted(java.util.Comparator.comparingDouble(Point::x)).toList();
        for (Point p : sorted) {
            double px = left + pw * (p.x() - x0) / (x1 - x0);
            double py = top + ph * (1 - Math.max(0, Math.min(1, p.y())));
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f77b4\"/>%n", px, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#333\">%s</text>%n", px + 6, py - 6, escape(p.label())));
        }
        s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>%n", line.toString().strip()));
        s.append("</svg>\n");
        return s.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
