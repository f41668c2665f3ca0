/**
 * Negative down-sampling of training samples with sample weights or the score re-calibration
 * q = p / (p + (1 - p) / w) (He et al., ADKDD 2014).
 */
package dev.funnel.rank.downsample;
