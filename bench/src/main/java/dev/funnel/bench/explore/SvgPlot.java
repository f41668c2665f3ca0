package dev.funnel.bench.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal line chart as SVG text (no dependency): linear axes from 0, five ticks each, one
 * polyline per series with a legend. Enough for a regret-over-time curve in the docs.
 */
final class SvgPlot {
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  private static final int W = 720;
  private static final int H = 440;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private record Series(String label, double[] x, double[] y) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();

  SvgPlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  SvgPlot line(String label, double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y must have one length; x=" + x.length + ", y=" + y.length);
    }
    series.add(new Series(label, x, y));
    return this;
  }

  String render() {
    double maxX = 0;
    double maxY = 0;
    for (Series s : series) {
      for (double v : s.x) {
        maxX = Math.max(maxX, v);
      }
      for (double v : s.y) {
        maxY = Math.max(maxY, v);
      }
    }
    maxX = nice(maxX);
    maxY = nice(maxY);
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    StringBuilder sb = new StringBuilder(16_384);
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
        + " font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n", W / 2, esc(title)));
    for (int i = 0; i <= 5; i++) {
      double fx = LEFT + pw * i / 5.0;
      double fy = TOP + ph - ph * i / 5.0;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", fx, TOP, fx, TOP + ph));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT, fy, LEFT + pw, fy));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", fx, TOP + ph + 18, tick(maxX * i / 5)));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, fy + 4, tick(maxY * i / 5)));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n", LEFT, TOP, pw, ph));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + pw / 2, H - 10, esc(xLabel)));
    sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n",
        TOP + ph / 2, TOP + ph / 2, esc(yLabel)));
    for (int s = 0; s < series.size(); s++) {
      Series se = series.get(s);
      String colour = COLOURS[s % COLOURS.length];
      sb.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"");
      for (int i = 0; i < se.x.length; i++) {
        sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + pw * se.x[i] / maxX, TOP + ph - ph * se.y[i] / maxY));
      }
      sb.append("\"/>\n");
      int ly = TOP + 16 + 18 * s;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n", LEFT + 12, ly - 4,
          LEFT + 36, ly - 4, colour));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + 42, ly, esc(se.label)));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}. */
  static double nice(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String tick(double v) {
    if (v >= 1000 && v % 1000 == 0) {
      return String.format(Locale.ROOT, "%dk", (long) (v / 1000));
    }
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
