/**
 * Features from raw rows: a {@link dev.funnel.rank.schema.FeatureSchema} (a small line-format file) says
 * which columns are categorical, multi-valued, numeric or behaviour sequences; {@link
 * dev.funnel.rank.schema.CsvSampleReader} reads a CSV file into a {@link dev.funnel.rank.schema.SampleTable};
 * a {@link dev.funnel.rank.schema.FeatureEncoder} is fitted on the training table (vocabularies with
 * min-count and an out-of-vocabulary code, or the hashing trick with optional double hashing by {@link
 * dev.funnel.rank.schema.FeatureHasher}; numeric statistics and quantile buckets), encodes any table into
 * a {@link dev.funnel.rank.SampleBatch} over its {@link dev.funnel.rank.FieldMap}, and is saved with the
 * model so serving encodes identically.
 */
package dev.funnel.rank.schema;
