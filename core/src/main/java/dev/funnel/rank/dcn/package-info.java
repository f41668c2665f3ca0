/**
 * DCN-V2 (Wang et al., WWW 2021): {@link dev.funnel.rank.dcn.CrossNetwork} (full or low-rank cross
 * layers, hand-written backward), {@link dev.funnel.rank.dcn.DcnNet} (cross network stacked on or
 * parallel to an MLP, optional wide term), its trainer and model; Wide&amp;Deep reuses the network
 * ({@code rank.widedeep}).
 */
package dev.funnel.rank.dcn;
