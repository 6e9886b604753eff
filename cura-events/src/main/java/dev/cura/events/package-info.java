/**
 * The CURA event contract (DESIGN.md §2): one record per event, CloudEvents binary-mode Kafka
 * headers, topic names and a strict JSON codec. No Kafka, Quarkus or other framework types: headers
 * are {@code Map<String, String>} (or UTF-8 {@code Map<String, byte[]>}), services adapt.
 *
 * <pre>{@code
 * EventCodec codec = new EventCodec();                      // thread-safe, share one
 * EncodedEvent out = codec.encode(EventEnvelope.create("/cura/gateway", fineTuneRequested));
 * // out.topic() = cura.job.requested, out.key() = job id, out.headers() = ce_* + content-type
 *
 * EventEnvelope<CuraEvent> in = codec.decode(headersAsStrings, valueBytes); // or decodeBytes(...)
 * switch (in.data()) {
 *   case TrainingProgress p -> ...;
 *   case CheckpointSaved c -> ...;
 *   default -> ...;
 * }
 * // invalid records throw EventDecodingException (reason(), code(), field()): send to the DLQ
 * }</pre>
 */
package dev.cura.events;
