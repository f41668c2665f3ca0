package dev.funnel.cli;

import static dev.funnel.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.ann.ClusteredVectors;
import dev.funnel.ann.MatrixFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexCommandTest {
  @TempDir Path dir;

  @Test
  void buildSearchAndBenchAnHnswIndex() throws Exception {
    float[] all = ClusteredVectors.generate(1050, 8, 10, 0.6, true, 3);
    Path vectors = dir.resolve("items.f32");
    Path queries = dir.resolve("queries.f32");
    MatrixFile.write(vectors, java.util.Arrays.copyOf(all, 1000 * 8), 1000, 8);
    MatrixFile.write(queries, java.util.Arrays.copyOfRange(all, 1000 * 8, 1050 * 8), 50, 8);
    Path index = dir.resolve("items.fvi");
    CliRun b = run("index", "build", "--vectors", vectors.toString(), "--kind", "hnsw", "--param", "m=8", "--threads", "2", "--out",
        index.toString());
    assertThat(b.code()).as(b.err()).isZero();
    assertThat(b.out()).contains("built hnsw over 1,000 x 8");
    assertThat(Files.exists(index)).isTrue();
    // Row 0 of the indexed vectors is its own nearest neighbour under inner product on unit vectors.
    StringBuilder q = new StringBuilder();
    for (int d = 0; d < 8; d++) {
      q.append(d == 0 ? "" : ",").append(all[d]);
    }
    CliRun s = run("index", "search", "--index", index.toString(), "--query", q.toString(), "--k", "3", "--param", "ef=50");
    assertThat(s.code()).as(s.err()).isZero();
    assertThat(s.out()).startsWith("0:");
    CliRun bench = run("index", "bench", "--index", index.toString(), "--vectors", vectors.toString(), "--queries", queries.toString());
    assertThat(bench.code()).as(bench.err()).isZero();
    assertThat(bench.out()).contains("\"recall@10\"").contains("\"qps_1t\"");
  }

  @Test
  void badInputNamesTheProblem() throws Exception {
    Path bad = dir.resolve("bad.f32");
    Files.write(bad, new byte[] {2, 0, 0, 0, 4, 0, 0, 0, 1, 2, 3});
    CliRun b = run("index", "build", "--vectors", bad.toString(), "--out", dir.resolve("x.fvi").toString());
    assertThat(b.code()).isNotZero();
    assertThat(b.err()).contains(bad.toString()).contains("2 x 4 floats");
    CliRun s = run("index", "search", "--index", dir.resolve("missing.fvi").toString(), "--query", "1,2");
    assertThat(s.code()).isNotZero();
    assertThat(s.err()).contains("missing.fvi");
  }
}
