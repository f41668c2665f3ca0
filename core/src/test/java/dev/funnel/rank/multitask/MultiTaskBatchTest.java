package dev.funnel.rank.multitask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;
import org.junit.jupiter.api.Test;

class MultiTaskBatchTest {
  static final FieldMap FIELDS = FieldMap.parse("user:0-1,item:2-4");

  /** Four impressions: clicks 1,1,0,1, conversions 1,0,0,0, users 0,0,1,1. */
  static MultiTaskBatch fourRows() {
    SampleBatch s = new SampleBatch(FIELDS, new int[] {0, 2, 4, 6, 8}, new int[] {0, 2, 0, 3, 1, 4, 1, 2}, null,
        new float[] {1, 1, 0, 1}, null, new int[] {0, 0, 1, 1});
    return MultiTaskBatch.clickConversion(s, new float[] {1, 0, 0, 0});
  }

  @Test
  void aConversionWithoutAClickIsRefusedNamingTheRow() {
    SampleBatch s = fourRows().samples();
    assertThatThrownBy(() -> MultiTaskBatch.clickConversion(s, new float[] {1, 0, 1, 0}))
        .hasMessage("a conversion needs a click; row 2 has conversion=1.0, click=0.0");
    assertThatThrownBy(() -> MultiTaskBatch.clickConversion(s, new float[] {1, 0}))
        .hasMessage("labels of task 'conversion' must have one entry per row (4); has 2");
    assertThatThrownBy(() -> MultiTaskBatch.clickConversion(s, new float[] {0, 0, 0, 0.5f}))
        .hasMessage("labels of task 'conversion' must be 0 or 1; row 3 has 0.5");
    assertThatThrownBy(() -> new MultiTaskBatch(s, new String[] {"click", "click"}, new float[][] {s.labels(), s.labels()}))
        .hasMessage("task named twice: 'click'");
    assertThatThrownBy(() -> new MultiTaskBatch(s, new String[] {"click"}, new float[][] {new float[4]}))
        .hasMessageContaining("labels[0] must be samples.labels()");
    assertThatThrownBy(() -> fourRows().labels("purchase")).hasMessage("unknown task 'purchase'; tasks: click, conversion");
  }

  @Test
  void selectKeepsEveryTaskAndTheGroups() {
    MultiTaskBatch b = fourRows();
    assertThat(b.positiveRows(MultiTaskBatch.CLICK)).containsExactly(0, 1, 3);
    MultiTaskBatch clicked = b.select(b.positiveRows(MultiTaskBatch.CLICK));
    assertThat(clicked.size()).isEqualTo(3);
    assertThat(clicked.labels(MultiTaskBatch.CLICK)).containsExactly(1, 1, 1);
    assertThat(clicked.labels(MultiTaskBatch.CONVERSION)).containsExactly(1, 0, 0);
    assertThat(clicked.samples().groups()).containsExactly(0, 0, 1);
    assertThat(clicked.samples().features()).containsExactly(0, 2, 0, 3, 1, 2);
    SampleBatch conversionTask = b.asTask(MultiTaskBatch.CONVERSION);
    assertThat(conversionTask.labels()).containsExactly(1, 0, 0, 0);
    assertThat(conversionTask.features()).isSameAs(b.samples().features());
    assertThat(b.asTask(MultiTaskBatch.CLICK)).isSameAs(b.samples());
  }

  @Test
  void perTaskMetricsUseTheRowsWhereTheTaskIsDefined() {
    MultiTaskBatch b = fourRows();
    float[] pCtr = {0.9f, 0.6f, 0.2f, 0.5f};
    float[] pCvr = {0.5f, 0.2f, 0.9f, 0.4f};
    MultiTaskEvaluation e = MultiTaskEvaluation.of(pCtr, pCvr, b);
    // ctr: clicked rows score 0.9, 0.6, 0.5 above the unclicked 0.2
    assertThat(e.ctr().auc()).isEqualTo(1.0);
    assertThat(e.ctr().samples()).isEqualTo(4);
    // cvr on the clicked rows only (0.5 converted vs 0.2, 0.4): 1; over all rows the unclicked 0.9 would make it 2/3
    assertThat(e.cvr().samples()).isEqualTo(3);
    assertThat(e.cvr().auc()).isEqualTo(1.0);
    assertThat(e.cvr().calibration()).isCloseTo((0.5 + 0.2 + 0.4) / 3 / (1.0 / 3), within(1e-6));
    // ctcvr = products 0.45, 0.12, 0.18, 0.20 against 1, 0, 0, 0
    assertThat(e.ctcvr().auc()).isEqualTo(1.0);
    double expected = -(Math.log(0.45) + Math.log(1 - 0.12) + Math.log(1 - 0.18) + Math.log(1 - 0.2)) / 4;
    assertThat(e.ctcvr().logloss()).isCloseTo(expected, within(1e-6));
    // gauc by user: user 0 has rows 0 (converted, 0.45) and 1 (0.12): 1; user 1 has no conversion: skipped
    assertThat(e.ctcvr().gauc()).isEqualTo(1.0);
    assertThat(e.toMap()).containsOnlyKeys("ctr", "cvr", "ctcvr");
  }
}
