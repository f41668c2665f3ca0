package dev.funnel.bench.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SvgPlotTest {
  @Test
  void niceRoundsUpToOneTwoOrFive() {
    assertThat(SvgPlot.nice(1440)).isEqualTo(2000.0);
    assertThat(SvgPlot.nice(200_000)).isEqualTo(200_000.0);
    assertThat(SvgPlot.nice(3.2)).isEqualTo(5.0);
    assertThat(SvgPlot.nice(0)).isEqualTo(1.0);
  }

  @Test
  void drawsOnePolylinePerSeriesInsideThePlot() {
    String svg = new SvgPlot("t <1>", "x", "y").line("a", new double[] {0, 50, 100}, new double[] {0, 5, 10})
        .line("b & c", new double[] {0, 100}, new double[] {0, 20}).render();
    assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("t &lt;1&gt;", "b &amp; c");
    assertThat(svg.split("<polyline", -1)).hasSize(3);
    // max y 20 -> top of the plot (y = 40); x 100 -> right edge (720 - 20 = 700); origin at (70, 390)
    assertThat(svg).contains("70.0,390.0 ", "700.0,40.0 ", "700.0,215.0 ");
    assertThatThrownBy(() -> new SvgPlot("t", "x", "y").line("a", new double[2], new double[3])).hasMessageContaining("y=3");
  }
}
