package dev.funnel.recall.item2vec;

/**
 * Settings of {@link Item2Vec}.
 *
 * @param dim embedding dimension
 * @param corpus what the skip-gram reads: the users' item sequences, weighted random walks on the
 *     item co-occurrence graph (DeepWalk / EGES), or both
 * @param window context items on each side of the centre item
 * @param ordered keep each user's items in time order; false shuffles every sequence at every epoch,
 *     which suits unordered sets (Item2Vec treats a user's items as a set)
 * @param negatives negative context items per positive pair, drawn from the unigram^negativePower distribution
 * @param negativePower exponent of the negative-sampling distribution (0.75 in word2vec)
 * @param subsample frequent-item subsampling threshold t of word2vec (keep with prob sqrt(t/f) + t/f); 0 disables
 * @param epochs passes over the corpus
 * @param learningRate initial SGD step, decayed linearly to {@code learningRate * 1e-4} (word2vec)
 * @param walksPerItem walks started from every item per epoch (corpus WALKS or BOTH)
 * @param walkLength items per walk
 * @param graphNeighbors co-occurrence neighbours kept per item in the walk graph (the strongest by count)
 * @param sideInformation EGES (Wang et al. KDD 2018): an item's input vector is the attention-weighted
 *     mean of its id embedding and its side-information embeddings (one per item-feature field), so an
 *     item with features but no interactions still gets a vector
 * @param initStd input vectors start uniform in [-initStd, initStd) (word2vec: 0.5/dim); output vectors start at zero
 * @param scoring how a user's history scores items (similar items always use cosine)
 * @param center subtract the mean item vector before cosine (all-but-the-top post-processing)
 * @param neighbors length of each item's similar-item list for NEIGHBORS scoring
 * @param threads worker threads; 0 uses the training context's; 1 is reproducible bit for bit
 */
public record Item2VecConfig(int dim, Corpus corpus, int window, boolean ordered, int negatives, double negativePower,
    double subsample, int epochs, double learningRate, int walksPerItem, int walkLength, int graphNeighbors,
    boolean sideInformation, double initStd, Scoring scoring, boolean center, int neighbors, int threads) {

  /** How a user's history scores an item. */
  public enum Scoring {
    /** Mean cosine between the item's and the history's input vectors (symmetric item similarity). */
    COSINE,
    /** Inner product with the mean of the history's raw input vectors (vector length carries how much was learned). */
    DOT,
    /** Sum over the history of input(h) . output(i): the skip-gram's own log-odds that i appears beside h. */
    CONTEXT,
    /**
     * Item-to-item recall: sum over the history of the cosine of each history item's top
     * {@code neighbors} most similar items (an i2i table built from the embedding, scored like ItemCF).
     */
    NEIGHBORS
  }

  /** What the skip-gram model is trained on. */
  public enum Corpus {
    SEQUENCES, WALKS, BOTH
  }

  public Item2VecConfig {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (corpus == null) {
      throw new IllegalArgumentException("corpus must be one of SEQUENCES, WALKS, BOTH; corpus=null");
    }
    if (window < 1) {
      throw new IllegalArgumentException("window must be positive; window=" + window);
    }
    if (negatives < 1) {
      throw new IllegalArgumentException("negatives must be positive; negatives=" + negatives);
    }
    if (!(negativePower >= 0) || negativePower > 2) {
      throw new IllegalArgumentException("negativePower must be in [0, 2]; negativePower=" + negativePower);
    }
    if (!(subsample >= 0) || subsample >= 1) {
      throw new IllegalArgumentException("subsample must be in [0, 1); subsample=" + subsample);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive; epochs=" + epochs);
    }
    if (!(learningRate > 0) || learningRate > 10) {
      throw new IllegalArgumentException("learningRate must be in (0, 10]; learningRate=" + learningRate);
    }
    if (walksPerItem < 0) {
      throw new IllegalArgumentException("walksPerItem must be >= 0; walksPerItem=" + walksPerItem);
    }
    if (walkLength < 2) {
      throw new IllegalArgumentException("walkLength must be >= 2; walkLength=" + walkLength);
    }
    if (graphNeighbors < 1) {
      throw new IllegalArgumentException("graphNeighbors must be positive; graphNeighbors=" + graphNeighbors);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd must be positive and finite; initStd=" + initStd);
    }
    if (scoring == null) {
      throw new IllegalArgumentException("scoring must be one of COSINE, DOT, CONTEXT, NEIGHBORS; scoring=null");
    }
    if (neighbors < 1) {
      throw new IllegalArgumentException("neighbors must be positive; neighbors=" + neighbors);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0; threads=" + threads);
    }
    if (corpus != Corpus.SEQUENCES && walksPerItem == 0) {
      throw new IllegalArgumentException("corpus " + corpus + " needs walks; walksPerItem=0");
    }
  }

  public static Item2VecConfig defaults() {
    return new Item2VecConfig(64, Corpus.SEQUENCES, 5, false, 5, 0.75, 0, 10, 0.025, 10, 20, 50, false, 0.5 / 64,
        Scoring.CONTEXT, false, 100, 0);
  }
}
