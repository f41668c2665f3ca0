package dev.funnel.rank.dcn;

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
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (crossLayers < 0) {
      throw new IllegalArgumentException("crossLayers must be >= 0; crossLayers=" + crossLayers);
    }
    if (lowRank < 0) {
      throw new IllegalArgumentException("lowRank must be >= 0; lowRank=" + lowRank);
    }
    if (activation == null) {
      throw new IllegalArgumentException("activation must be set; activation=null");
    }
    hidden = hidden.clone();
  }

  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  /** Comma-separated positive layer sizes; blank = no hidden layer (the deep part is one linear map). */
  public static int[] parseHidden(String hidden) {
    String bad = "hidden must be comma-separated positive layer sizes (blank for none); hidden=" + hidden;
    if (hidden == null) {
      throw new IllegalArgumentException(bad);
    }
    if (hidden.isBlank()) {
      return new int[0];
    }
    String[] parts = hidden.split(",");
    int[] units = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        units[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(bad);
      }
      if (units[i] < 1) {
        throw new IllegalArgumentException(bad);
      }
    }
    return units;
  }
}
