package dev.funnel.rank.multitask;

import dev.funnel.train.loss.Logistic;

/**
 * The two-task loss of the click-conversion models on one row, from its CTR logit a and CVR logit c
 * (pCTR = σ(a), pCVR = σ(c)), its click y, its conversion z (0 without a click) and weight w, with
 * the gradients dL/da and dL/dc. {@link Space} chooses where the CVR task is trained.
 *
 * <p>ENTIRE (ESMM, Ma et al., SIGIR 2018, eq. 3): over every impression,
 * <pre>
 *   L = BCE(σ(a), y) + BCE(σ(a)σ(c), z)
 *   dL/da = (σ(a) - y) + [ -z (1 - p) + (1 - z) pq (1 - p) / (1 - pq) ]      p = σ(a), q = σ(c)
 *   dL/dc =              [ -z (1 - q) + (1 - z) pq (1 - q) / (1 - pq) ]
 * </pre>
 * so pCVR is never fitted to clicked rows alone: it is the factor that turns pCTR into pCTCVR on the
 * entire impression space.
 *
 * <p>CLICKED (the conventional CVR model): L = BCE(σ(a), y) + y BCE(σ(c), z); the CVR task sees only
 * clicked rows, the sample selection bias ESMM removes.
 */
public final class ClickConversionLoss {
  /** Where the conversion task is trained. */
  public enum Space {
    /** pCTCVR = pCTR x pCVR against click-and-conversion on every impression (ESMM). */
    ENTIRE,
    /** pCVR against conversion on clicked impressions only. */
    CLICKED
  }

  /** 1 - pCTCVR is clipped below at this, so a pCTCVR that rounds to 1 keeps a finite loss. */
  static final double MIN_COMPLEMENT = 1e-7;

  private ClickConversionLoss() {}

  /**
   * The weighted loss of one row; writes {@code scale} x dL/da and {@code scale} x dL/dc into
   * {@code grads[at]} and {@code grads[at + 1]}.
   */
  public static double row(Space space, double a, double c, float click, float conversion, float weight, float scale, float[] grads,
      int at) {
    double p = Logistic.sigmoid(a);
    double q = Logistic.sigmoid(c);
    double loss = Logistic.softplus(a) - click * a;
    double da = p - click;
    double dc;
    if (space == Space.ENTIRE) {
      double pq = p * q;
      double complement = Math.max(MIN_COMPLEMENT, 1 - pq);
      if (conversion > 0) {
        loss -= Logistic.logSigmoid(a) + Logistic.logSigmoid(c);
        da -= 1 - p;
        dc = -(1 - q);
      } else {
        loss -= Math.log(complement);
        double r = pq / complement;
        da += r * (1 - p);
        dc = r * (1 - q);
      }
    } else if (click > 0) {
      loss += Logistic.softplus(c) - conversion * c;
      dc = q - conversion;
    } else {
      dc = 0;
    }
    grads[at] = (float) (da * weight * scale);
    grads[at + 1] = (float) (dc * weight * scale);
    return loss * weight;
  }
}
