package dev.funnel.bench.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.Interactions;
import dev.funnel.eval.Evaluator;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GowallaAnnBenchTest {
  /** Binary CSR matrix from per-user sorted item lists. */
  private static Interactions matrix(int numItems, int[]... rows) {
    int[] ptr = new int[rows.length + 1];
    for (int u = 0; u < rows.length; u++) {
      ptr[u + 1] = ptr[u] + rows[u].length;
    }
    int[] items = new int[ptr[rows.length]];
    for (int u = 0; u < rows.length; u++) {
      System.arraycopy(rows[u], 0, items, ptr[u], rows[u].length);
    }
    return new Interactions(rows.length, numItems, ptr, items, new float[items.length], new long[items.length]);
  }

  @Test
  void candidateListsAreRankedByTheEvaluatorsRecall() {
    Interactions train = matrix(5, new int[] {0}, new int[] {1}, new int[] {});
    Interactions test = matrix(5, new int[] {2, 3}, new int[] {4}, new int[] {});
    ScoredItems[] lists = {
        // user 0: top 2 of the candidates are 3 and 4 -> one of its two test items: recall 1/2.
        new ScoredItems(new int[] {3, 4, 2}, new float[] {0.9f, 0.8f, 0.1f}),
        // user 1: its test item 4 is not a candidate: recall 0.
        new ScoredItems(new int[] {0, 2}, new float[] {0.5f, 0.4f}),
        null, // user 2 has no test items and is skipped
    };
    var r = Evaluator.fullSort(new CandidateLists("test", lists, 5), train, test, new int[] {2}, 1, Progress.NONE);
    assertThat(r.metrics().get("recall@2")).isCloseTo(0.25, within(1e-12));
    assertThat(r.usersEvaluated()).isEqualTo(2);
  }

  @Test
  void seenFilterRejectsOnlyTheCurrentUsersTrainingItems() {
    Interactions train = matrix(4, new int[] {0, 2}, new int[] {1});
    GowallaAnnBench.SeenFilter seen = new GowallaAnnBench.SeenFilter(train);
    ItemFilter f0 = seen.of(0);
    assertThat(new boolean[] {f0.accept(0), f0.accept(1), f0.accept(2), f0.accept(3)}).containsExactly(false, true, false, true);
    ItemFilter f1 = seen.of(1);
    assertThat(new boolean[] {f1.accept(0), f1.accept(1), f1.accept(2), f1.accept(3)}).containsExactly(true, false, true, true);
  }

  @Test
  void overlapIsTheMeanShareOfTheExactListFound() {
    ScoredItems[] exact = {new ScoredItems(new int[] {1, 2, 3, 4}, new float[4]), new ScoredItems(new int[] {5, 6}, new float[2])};
    ScoredItems[] found = {new ScoredItems(new int[] {2, 3, 9}, new float[3]), new ScoredItems(new int[] {6, 5}, new float[2])};
    // user 0: 2 of 4; user 1: 2 of 2 -> (0.5 + 1) / 2.
    assertThat(GowallaAnnBench.overlap(exact, found, new int[] {0, 1}, 500)).isCloseTo(0.75, within(1e-12));
    assertThat(GowallaAnnBench.overlap(exact, found, new int[] {0}, 500)).isCloseTo(0.5, within(1e-12));
    // Depth 2: exact {1, 2} vs found {2, 3}: 1 of 2; {5, 6} vs {6, 5}: 2 of 2.
    assertThat(GowallaAnnBench.overlap(exact, found, new int[] {0, 1}, 2)).isCloseTo(0.75, within(1e-12));
    assertThat(GowallaAnnBench.overlap(exact, found, new int[] {0}, 1)).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void sortKeysOrderByScoreDescendingThenId() {
    float[] scores = {-2.5f, 0f, 3.25f, 3.25f, -0f, 1e-30f, -7f};
    long[] keys = new long[scores.length];
    for (int i = 0; i < scores.length; i++) {
      keys[i] = GowallaAnnBench.sortKey(scores[i], i);
      assertThat(GowallaAnnBench.unsortKey(keys[i])).isEqualTo(scores[i]);
    }
    java.util.Arrays.sort(keys);
    int[] order = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      order[i] = (int) keys[i];
    }
    // 3.25 (ids 2, 3), 1e-30 (5), 0 (1), -0 (4: -0 sorts below +0 by bits), -2.5 (0), -7 (6).
    assertThat(order).containsExactly(2, 3, 5, 1, 4, 0, 6);
  }

  @Test
  void missingDatasetFolderSkipsWithAReason(@TempDir Path root) {
    List<Map<String, Object>> rows = GowallaAnnBench.run(Map.of("dataset", "lightgcn:gowalla"), root, Path.of("ann-gowalla.yaml"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("skipped").toString()).contains("gowalla").contains("does not exist");
  }

  @Test
  void biasIsFoldedAsALastColumn() {
    float[] rows = {1, 2, 3, 4};
    assertThat(GowallaAnnBench.appendColumn(rows, 2, 2, new float[] {7, 8})).containsExactly(1, 2, 7, 3, 4, 8);
  }
}
