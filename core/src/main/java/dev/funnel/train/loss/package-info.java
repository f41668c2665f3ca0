/**
 * Losses returning their value and writing analytic gradients into caller arrays: BPR, binary
 * cross-entropy with sampled negatives, sampled softmax with logQ correction and temperature, and the
 * SimpleX cosine contrastive loss. Each is checked against central finite differences in its tests.
 */
package dev.funnel.train.loss;
