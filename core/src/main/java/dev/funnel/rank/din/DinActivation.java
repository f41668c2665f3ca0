package dev.funnel.rank.din;

import dev.funnel.rank.nn.Dice;
import dev.funnel.rank.nn.PRelu;
import dev.funnel.rank.nn.ParametricActivation;

/** The hidden-layer activation of DIN's towers: PReLU or Dice (Zhou et al. 2018, section 4.3). */
public enum DinActivation {
  PRELU,
  DICE;

  ParametricActivation create(int width) {
    return this == PRELU ? new PRelu(width) : new Dice(width);
  }

  /** Over stored parameters and state (state is empty for PReLU). */
  ParametricActivation wrap(float[] params, float[] state) {
    return this == PRELU ? new PRelu(params) : new Dice(params, state);
  }
}
