package dev.funnel.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalTableTest {
  @Test
  void alignsOneRowPerModelUnderAProtocolLine() {
    Map<String, Double> a = new LinkedHashMap<>();
    a.put("recall@20", 0.18301);
    a.put("ndcg@20", 0.15549);
    Map<String, Double> b = new LinkedHashMap<>();
    b.put("recall@20", 0.1);
    b.put("ndcg@20", 0.05);
    String table = EvalTable.format("full-sort", List.of("lightgcn", "pop"),
        List.of(new EvalResult("full-sort", a, 29858, 0, 12.34), new EvalResult("full-sort", b, 29858, 0, 0.5)));
    String[] lines = table.split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[0]).isEqualTo("Protocol: full-sort over all items, train items excluded");
    assertThat(lines[1]).isEqualTo("@20       recall    ndcg  users  seconds");
    assertThat(lines[2]).matches("-+");
    assertThat(lines[3]).isEqualTo("lightgcn  0.1830  0.1555  29858     12.3");
    assertThat(lines[4]).isEqualTo("pop       0.1000  0.0500  29858      0.5");
  }

  @Test
  void oneBlockPerCutOffWithUsersAndSecondsInTheLast() {
    Map<String, Double> a = new LinkedHashMap<>();
    a.put("recall@10", 0.1);
    a.put("ndcg@10", 0.2);
    a.put("recall@20", 0.3);
    a.put("ndcg@20", 0.4);
    String table = EvalTable.format("full-sort", List.of("m"), List.of(new EvalResult("full-sort", a, 7, 0, 1.0)));
    assertThat(table.split("\n")).containsExactly(
        "Protocol: full-sort over all items, train items excluded",
        "@10  recall    ndcg",
        "-------------------",
        "m    0.1000  0.2000",
        "",
        "@20  recall    ndcg  users  seconds",
        "-----------------------------------",
        "m    0.3000  0.4000      7      1.0");
  }

  @Test
  void sampledTablesSayTheyAreSampledAndMissingKeysShowADash() {
    EvalResult r1 = new EvalResult("sampled-100", Map.of("hitrate@10", 0.5), 10, 2, 1.0);
    EvalResult r2 = new EvalResult("sampled-100", Map.of("ndcg@10", 0.25), 10, 2, 1.0);
    String table = EvalTable.format("sampled-100", List.of("x", "y"), List.of(r1, r2));
    assertThat(table).startsWith("Protocol: SAMPLED: 1 positive vs 100 negatives");
    assertThat(table).contains("\n@10  hitrate    ndcg  users  seconds\n")
        .contains("\nx     0.5000       -     10      1.0\n")
        .contains("\ny          -  0.2500     10      1.0\n");
  }

  @Test
  void rejectsMixedProtocolsAndCountMismatch() {
    EvalResult full = new EvalResult("full-sort", Map.of(), 1, 0, 0);
    assertThatThrownBy(() -> EvalTable.format("sampled-100", List.of("m"), List.of(full)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'m' is full-sort");
    assertThatThrownBy(() -> EvalTable.format("full-sort", List.of("a", "b"), List.of(full)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 model names for 1 results");
  }
}
