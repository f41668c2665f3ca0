package dev.funnel.rank.dcn;

import dev.funnel.rank.DenseSettings;
import dev.funnel.rank.nn.Activation;

/**
 * The architecture of a {@link DcnNet}: field embeddings of {@code dim} concatenated into x0, a cross
 * network of {@code crossLayers} layers (rank {@code lowRank}, 0 = full), a deep MLP ({@code hidden},
 * possibly empty) either stacked on the cross network's output or parallel to it over x0, and an
 * optional wide (first-order linear) term. Wide&amp;Deep is the stacked shape with no cross layers and
 * the wide term.
 */
public record DcnShape(int dim, int crossLayers, int lowRank, boolean parallel, int[] hidden, Activation activation,
    boolean batchNorm, boolean wide) {
  public DcnShape {
    DenseSettings.positive("dim", dim);
    if (crossLayers < 0) {
      throw new IllegalArgumentException("crossLayers must be >= 0; crossLayers=" + crossLayers);
    }
    if (lowRank < 0) {
      throw new IllegalArgumentException("lowRank must be >= 0; lowRank=" + lowRank);
    }
    DenseSettings.set("activation", activation);
    hidden = hidden.clone();
  }

  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  /** Comma-separated positive layer sizes; blank = no hidden layer (the deep part is one linear map). */
  public static int[] parseHidden(String hidden) {
    return DenseSettings.layerSizes("hidden", hidden, true);
  }
}
