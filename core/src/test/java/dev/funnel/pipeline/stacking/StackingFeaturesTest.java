package dev.funnel.pipeline.stacking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.data.Dataset;
import dev.funnel.pipeline.Candidate;
import dev.funnel.rank.SampleBatch;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StackingFeaturesTest {
  @Test
  void encodesMembershipScoresRanksPopularityAndActivity() {
    Dataset d = dev.funnel.pipeline.offline.FunnelEvaluationTestAccess.tiny();
    StackingFeatures f = new StackingFeatures(List.of("x", "y"));
    // Layout: x 0..14, y 15..29, channels 30..32, pop 33..56, user 57..80.
    assertEquals(81, f.fields().numFeatures());
    Candidate b = new Candidate("b");
    b.proposedBy("x", 0, 4f);
    b.proposedBy("y", 6, 0.5f);
    Candidate e = new Candidate("e");
    e.proposedBy("x", 2, 2f);
    SampleBatch s = f.encode(List.of(b, e), "u3", d.train(), d.users(), d.items(), Set.of("e"));
    // b: x proposed, score (4-2)/(4-2) = 1, discount 1/log2(2) = 1, bucket 0; y proposed, y's only score -> 1,
    //    discount 1/log2(8) = 1/3, bucket floor(log2 7) = 2; 2 channels; b's degree 4 -> bucket 2; u3's 3 -> bucket 2.
    assertArrayEquals(new int[] {0, 1, 2, 3, 15, 16, 17, 20, 32, 35, 59}, java.util.Arrays.copyOfRange(s.features(), 0, 11));
    assertEquals(1f, s.value(1));
    assertEquals(1f / 3, s.value(6), 1e-6);
    // e: x at rank 2 with the lowest score -> 0, discount 1/log2(4) = 0.5, bucket floor(log2 3) = 1; 1 channel; degree 1 -> bucket 1.
    assertArrayEquals(new int[] {0, 1, 2, 4, 31, 34, 59}, java.util.Arrays.copyOfRange(s.features(), 11, 18));
    assertEquals(0f, s.value(12));
    assertEquals(0.5f, s.value(13), 1e-6);
    assertArrayEquals(new float[] {0f, 1f}, s.labels());
  }

  @Test
  void theFieldLayoutHasExactlyOneFeaturePerField() {
    Dataset d = dev.funnel.pipeline.offline.FunnelEvaluationTestAccess.tiny();
    StackingFeatures f = new StackingFeatures(List.of("x", "y"), true);
    // Layout: x.rank 0..12, x.score 13..14, y.rank 15..27, y.score 28..29, channels 30..32, pop 33..56, user 57..80.
    assertEquals(7, f.fields().numFields());
    Candidate b = new Candidate("b");
    b.proposedBy("x", 0, 4f);
    b.proposedBy("y", 6, 0.5f);
    Candidate e = new Candidate("e");
    e.proposedBy("x", 2, 2f);
    SampleBatch s = f.encode(List.of(b, e), "u3", d.train(), d.users(), d.items(), null);
    // b: x bucket 0, x score 1; y bucket floor(log2 7) = 2, y score 1; 2 channels; pop bucket 2; user bucket 2.
    assertArrayEquals(new int[] {0, 13, 17, 28, 32, 35, 59}, java.util.Arrays.copyOfRange(s.features(), 0, 7));
    // e: x bucket 1, x score 0; y not proposed (27, 29); 1 channel; pop bucket 1.
    assertArrayEquals(new int[] {1, 13, 27, 29, 31, 34, 59}, java.util.Arrays.copyOfRange(s.features(), 7, 14));
    assertEquals(0f, s.value(8));
    assertEquals(1f, s.value(11));
    dev.funnel.rank.FieldSlots.of(s); // refuses rows with zero or two features in a field
  }
}
