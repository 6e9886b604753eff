package dev.cura.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/** Which jobs this instance is running for which partition of {@code cura.checkpoint.quantized}. */
@ApplicationScoped
public class JobPartitions {
  private final Map<TopicPartition, Set<String>> jobs = new ConcurrentHashMap<>();

  void track(TopicPartition tp, String jobId) {
    if (tp != null) {
      jobs.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(jobId);
    }
  }

  void untrack(TopicPartition tp, String jobId) {
    if (tp != null) {
      jobs.computeIfPresent(tp, (k, v) -> v.remove(jobId) && v.isEmpty() ? null : v);
    }
  }

  /** The jobs running for any of {@code partitions}. */
  List<String> jobsOf(Collection<TopicPartition> partitions) {
    return partitions.stream()
        .flatMap(tp -> jobs.getOrDefault(tp, Set.of()).stream())
        .distinct()
        .toList();
  }
}
