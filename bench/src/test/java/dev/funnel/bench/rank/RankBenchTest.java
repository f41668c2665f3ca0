package dev.funnel.bench.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rank-eval run of an ensemble on tiny libsvm files: nested member params, member rows, the speed fit's per-member epochs. */
class RankBenchTest {
  @TempDir Path dir;

  private void libsvm(String name, int rows, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      int u = random.nextInt(10);
      int i = random.nextInt(20);
      double ctr = (i % 2 == 0 ? 0.5 : 0.1) * (u < 5 ? 1 : 0.6);
      sb.append(random.nextDouble() < ctr ? "1" : "0").append(' ').append(u).append(":1 ").append(10 + i).append(":1\n");
    }
    Files.createDirectories(dir.resolve("d"));
    Files.writeString(dir.resolve("d").resolve(name), sb);
  }

  private Map<String, Object> spec(Map<String, Object> params) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("kind", "rank-eval");
    spec.put("data", "d");
    spec.put("train", "train");
    spec.put("validation", "valid");
    spec.put("test", "test");
    spec.put("fields", "user:0-9,item:10-29");
    spec.put("group_field", "user");
    spec.put("threads", 1);
    spec.put("throughput_epochs", 1);
    spec.put("throughput_threads", List.of(1));
    spec.put("models", List.of(Map.of("model", "ensemble", "params", params)));
    return spec;
  }

  @Test
  @SuppressWarnings("unchecked")
  void anEnsembleRowListsItsMembers() throws IOException {
    libsvm("train", 3000, 1);
    libsvm("valid", 1000, 2);
    libsvm("test", 1000, 3);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("members", "lr,fm");
    params.put("lr", Map.of("epochs", 2));
    params.put("fm", Map.of("dim", 4, "epochs", 2));
    List<Map<String, Object>> rows = RankBench.run(spec(params), dir, dir.resolve("p.yaml"));
    assertThat(rows).hasSize(1);
    Map<String, Object> row = rows.get(0);
    assertThat(row.get("model")).isEqualTo("ensemble");
    assertThat((Map<String, Object>) row.get("params")).extractingByKey("memberParams")
        .isEqualTo(Map.of("lr.epochs", "2", "fm.dim", "4", "fm.epochs", "2"));
    List<Map<String, Object>> members = (List<Map<String, Object>>) row.get("members");
    assertThat(members).extracting(m -> m.get("model")).containsExactly("lr", "fm");
    assertThat((double) members.get(1).get("validation_auc")).isBetween(0.6, 0.85);

    Map<String, Object> old = spec(params);
    old.put("ensemble", true);
    assertThatThrownBy(() -> RankBench.run(old, dir, dir.resolve("p.yaml"))).hasMessageContaining("'ensemble'");
  }
}
