package dev.funnel.rank.pipeline;

import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.downsample.NegativeDownsampling;
import dev.funnel.rank.schema.FeatureEncoder;
import dev.funnel.rank.schema.SampleTable;

/**
 * What serving needs to score raw rows exactly as training saw them: the fitted {@link FeatureEncoder}
 * (null for a model trained on already-encoded libsvm data), the ranking model, and the negative
 * down-sampling rate its scores are re-calibrated with (1: none). Saved as one file by {@link
 * RankPipelineFile}.
 *
 * @param encoder fitted features, or null
 * @param negativeRate w of {@link NegativeDownsampling#calibrate(double, double)}, in (0, 1]
 * @param model the ranker, over {@code encoder.fields()} when there is an encoder
 */
public record RankPipeline(FeatureEncoder encoder, double negativeRate, RankModel model) {
  public RankPipeline {
    if (model == null) {
      throw new IllegalArgumentException("model must be set");
    }
    if (!(negativeRate > 0 && negativeRate <= 1)) {
      throw new IllegalArgumentException("negativeRate must be in (0, 1]; negativeRate=" + negativeRate);
    }
    if (encoder != null && !encoder.fields().equals(model.fields())) {
      throw new IllegalArgumentException("model fields (" + model.fields() + ") differ from the encoder's (" + encoder.fields() + ")");
    }
  }

  /** A bare model: no encoder, no correction. */
  public static RankPipeline of(RankModel model) {
    return new RankPipeline(null, 1, model);
  }

  /** Calibrated probabilities of an encoded batch. */
  public float[] score(SampleBatch batch) {
    float[] p = model.score(batch);
    NegativeDownsampling.calibrate(p, negativeRate);
    return p;
  }

  /** Encodes raw rows with the fitted encoder, then {@link #score(SampleBatch)}. */
  public float[] score(SampleTable rows) {
    if (encoder == null) {
      throw new IllegalStateException("this model has no feature encoder: it scores encoded (libsvm) samples only");
    }
    return score(encoder.encode(rows));
  }
}
