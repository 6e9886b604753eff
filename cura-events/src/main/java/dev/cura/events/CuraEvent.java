package dev.cura.events;

/**
 * One CURA event (DESIGN.md §2). Every event belongs to one fine-tuning job; its id is the Kafka
 * record key, so all events of a job are ordered on one partition.
 */
public sealed interface CuraEvent
    permits FineTuneRequested,
        CheckpointQuantized,
        TrainingProgress,
        CheckpointSaved,
        AdapterTrained,
        AdapterRegistered,
        CancelRequested,
        JobFailed,
        JobCancelled {

  /** The job this event belongs to; the Kafka record key and the CloudEvents subject. */
  String jobId();
}
