/**
 * A ranking model together with what scoring raw rows needs: the fitted feature encoder and the
 * down-sampling correction, saved as one versioned file.
 */
package dev.funnel.rank.pipeline;
