package dev.funnel.rank.downsample;

import dev.funnel.rank.SampleBatch;
import java.util.SplittableRandom;

/**
 * Negative down-sampling for click data, where negatives outnumber positives 100 to 1000 times
 * (He et al., "Practical Lessons from Predicting Clicks on Ads at Facebook", ADKDD 2014, section 6):
 * every positive is kept, each negative with probability {@code rate} = w, which cuts training time
 * in proportion while AUC barely moves.
 *
 * <p>A model trained on the sample over-predicts: its odds are the true odds divided by w. Either
 * the score is corrected at serving with the paper's re-calibration
 *
 * <pre>  q = p / (p + (1 - p) / w)</pre>
 *
 * ({@link #calibrate}; the rate to correct with is {@link #scoringRate()}), or, with {@code reweight},
 * each kept negative gets sample weight 1/w (times its own), so the weighted loss is an unbiased estimate
 * of the full data's and no correction is needed (scoring rate 1).
 *
 * @param rate w, the probability of keeping a negative, in (0, 1]
 * @param reweight true: weight kept negatives by 1/w instead of correcting scores
 * @param seed seed of the keep/drop draws (one per negative, in row order: the same batch and seed keep the same rows)
 */
public record NegativeDownsampling(double rate, boolean reweight, long seed) {
  public NegativeDownsampling {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be in (0, 1]; rate=" + rate);
    }
  }

  /** The rate the scores of a model trained on the sample must be corrected with: w, or 1 when reweighting. */
  public double scoringRate() {
    return reweight ? 1 : rate;
  }

  /** The sample: all positives, each negative kept with probability w (weights 1/w when reweighting). */
  public SampleBatch apply(SampleBatch batch) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = batch.size();
    int[] rowPtr = batch.rowPtr();
    float[] labels = batch.labels();
    boolean[] keep = new boolean[n];
    int rows = 0;
    int nnz = 0;
    for (int r = 0; r < n; r++) {
      keep[r] = labels[r] > 0 || random.nextDouble() < rate;
      if (keep[r]) {
        rows++;
        nnz += rowPtr[r + 1] - rowPtr[r];
      }
    }
    int[] newPtr = new int[rows + 1];
    int[] features = new int[nnz];
    float[] values = batch.values() == null ? null : new float[nnz];
    float[] newLabels = new float[rows];
    boolean weighted = reweight || batch.weights() != null;
    float[] weights = weighted ? new float[rows] : null;
    int[] groups = batch.groups() == null ? null : new int[rows];
    float negativeWeight = reweight ? (float) (1 / rate) : 1f;
    int m = 0;
    int k = 0;
    for (int r = 0; r < n; r++) {
      if (!keep[r]) {
        continue;
      }
      int len = rowPtr[r + 1] - rowPtr[r];
      System.arraycopy(batch.features(), rowPtr[r], features, k, len);
      if (values != null) {
        System.arraycopy(batch.values(), rowPtr[r], values, k, len);
      }
      k += len;
      newPtr[m + 1] = k;
      newLabels[m] = labels[r];
      if (weights != null) {
        weights[m] = batch.weight(r) * (labels[r] > 0 ? 1f : negativeWeight);
      }
      if (groups != null) {
        groups[m] = batch.groups()[r];
      }
      m++;
    }
    return new SampleBatch(batch.fields(), newPtr, features, values, newLabels, weights, groups);
  }

  /** He et al.'s re-calibration of a probability p predicted by a model trained with negatives kept at rate w. */
  public static double calibrate(double p, double rate) {
    return p / (p + (1 - p) / rate);
  }

  /** Re-calibrates every probability in place; rate 1 leaves them as they are. */
  public static void calibrate(float[] probabilities, double rate) {
    if (rate == 1) {
      return;
    }
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = (float) calibrate(probabilities[i], rate);
    }
  }
}
