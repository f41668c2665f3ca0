/** Wide&amp;Deep (Cheng et al., DLRS 2016) on the DCN network with no cross layers and the wide term. */
package dev.funnel.rank.widedeep;
