package dev.funnel.rank.din;

import dev.funnel.rank.DenseSettings;

/**
 * Deep Interest Network (Zhou et al., KDD 2018) trained in mini-batches with Adam on the mean
 * logistic loss.
 *
 * @param dim embedding dimension of every field, the target item and the history items, &gt;= 1
 * @param attentionHidden the activation unit's hidden layer sizes, comma separated (the paper: 36)
 * @param hidden the top MLP's hidden layer sizes, comma separated (the paper: 200,80)
 * @param activation hidden-layer activation of both (PRELU or DICE)
 * @param itemField the field of the target item
 * @param itemSideFields fields describing the item (e.g. {@code genre}), comma separated, may be empty:
 *     target and behaviours are the item embedding concatenated with these fields' pooled embeddings
 *     (the paper's goods_id || cate_id), a behaviour's taken from the training rows of its item
 * @param historyField the behaviour-sequence field; it must be as large as itemField, history feature
 *     {@code start(historyField) + i} being item feature {@code start(itemField) + i}
 * @param batchSize rows per optimizer step, &gt;= 1
 * @param learningRate Adam step size, &gt; 0
 * @param embeddingL2 coupled L2 on the embedding rows a batch touches (lazy), &gt;= 0
 * @param denseL2 coupled L2 on the towers' weights and biases, &gt;= 0
 * @param initStd standard deviation of the Gaussian initial embeddings, &gt; 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never early)
 */
public record DinConfig(int dim, String attentionHidden, String hidden, DinActivation activation, String itemField, String itemSideFields,
    String historyField, int batchSize, double learningRate, double embeddingL2, double denseL2, double initStd, int epochs, int patience) {
  public DinConfig {
    DenseSettings.positive("dim", dim);
    layerSizes("attentionHidden", attentionHidden);
    layerSizes("hidden", hidden);
    DenseSettings.set("activation", activation);
    if (itemField == null || itemField.isBlank()) {
      throw new IllegalArgumentException("itemField must be named; itemField=" + itemField);
    }
    if (itemSideFields == null) {
      throw new IllegalArgumentException("itemSideFields must be set (empty for none); itemSideFields=null");
    }
    if (historyField == null || historyField.isBlank() || historyField.equals(itemField)) {
      throw new IllegalArgumentException("historyField must be named and differ from itemField; historyField=" + historyField);
    }
    DenseSettings.check(batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience);
  }

  /** The paper's shape (activation unit 36, MLP 200-80, Dice) with dim 16, batch 256, Adam 1e-3. */
  public static DinConfig defaults() {
    return new DinConfig(16, "36", "200,80", DinActivation.DICE, "item", "", "history", 256, 1e-3, 0, 0, 1e-2, 20, 2);
  }

  /** The item-side field names (none when blank). */
  public java.util.List<String> sideFieldNames() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String part : itemSideFields.split(",")) {
      if (!part.isBlank()) {
        names.add(part.strip());
      }
    }
    return names;
  }

  public int[] attentionUnits() {
    return layerSizes("attentionHidden", attentionHidden);
  }

  public int[] hiddenUnits() {
    return layerSizes("hidden", hidden);
  }

  private static int[] layerSizes(String name, String text) {
    return DenseSettings.layerSizes(name, text, false);
  }
}
