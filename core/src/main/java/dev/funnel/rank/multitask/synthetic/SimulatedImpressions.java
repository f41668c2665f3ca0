package dev.funnel.rank.multitask.synthetic;

import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.multitask.MultiTaskBatch;

/**
 * Impressions drawn by an {@link ImpressionSimulator}, with the ground truth behind their labels.
 *
 * @param batch features (user, item, category, price, position, device) with click and conversion labels
 * @param clickProbability the true p(click) of each impression
 * @param conversionProbability the true p(conversion | click) of each impression (its conversion
 *     propensity), defined on every impression, clicked or not
 * @param conversionIfClicked a draw of Bernoulli(conversionProbability) on every impression: whether it
 *     would have converted had it been clicked; the observed conversion is click AND this
 */
public record SimulatedImpressions(MultiTaskBatch batch, float[] clickProbability, float[] conversionProbability,
    float[] conversionIfClicked) {

  /**
   * The impressions labelled with {@link #conversionIfClicked}: the conversion task over the entire
   * impression space, observable only in simulation, against which a pCVR estimate is judged.
   */
  public SampleBatch conversionIfClickedBatch() {
    SampleBatch s = batch.samples();
    return new SampleBatch(s.fields(), s.rowPtr(), s.features(), s.values(), conversionIfClicked, s.weights(), s.groups());
  }
}
