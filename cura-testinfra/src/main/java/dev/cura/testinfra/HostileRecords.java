package dev.cura.testinfra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.events.CancelRequested;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.Topics;
import dev.cura.events.TrainingProgress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * CURA's own corpus of hostile Kafka records: for each consumed topic, records a careless or
 * malicious upstream system could send, each with the outcome the contract documents — the
 * dead-letter code ({@code cura-error-code}) and whether the job itself fails ({@code JobFailed},
 * {@code user_error}) because the sender owns it. Services' fuzz tests send them through the real
 * broker and check that every one is dead-lettered with a reason, that the consumer carries on, and
 * that nothing outside the artifact store or the model roots was read: the {@link Bait} they point
 * at is real and readable, so using it would show (an artifact, a training run, its secret in a
 * message).
 */
public final class HostileRecords {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EventCodec CODEC = new EventCodec();

  /**
   * One hostile record and its documented outcome.
   *
   * @param name what is wrong, for messages
   * @param expectedCode the dead-letter code the record must get
   * @param failsJob true when the job must also fail ({@code JobFailed}, {@code user_error})
   */
  public record Case(
      String name,
      String topic,
      String key,
      Map<String, String> headers,
      byte[] value,
      String expectedCode,
      boolean failsJob) {}

  /**
   * What the records point at: real things outside the store and the model roots, and a job id of
   * another tenant.
   *
   * @param outsideModelDir a valid Hugging Face checkpoint directory outside every model root
   * @param outsideDataset a valid JSONL file outside the artifact store, holding {@code secret}
   * @param outsideDatasetSha its SHA-256
   * @param secret a token in the outside files that must never appear in any event or DLQ header
   * @param foreignJobId a job id another tenant ({@code "owner-tenant"}) has used already
   */
  public record Bait(
      String outsideModelDir,
      String outsideDataset,
      String outsideDatasetSha,
      String secret,
      String foreignJobId) {}

  /** The tenant that owns {@link Bait#foreignJobId()}. */
  public static final String OWNER = "owner-tenant";

  private HostileRecords() {}

  /** Records for {@code cura.job.requested} (the quantizer; the gateway projects it too). */
  public static List<Case> jobRequested(String run, Bait bait) {
    var b = Builder.topic(run, "requested", SampleEvents::fineTuneRequested);
    b.outside(
        "base-model-absolute-path", n -> obj(n, "base_model").put("uri", bait.outsideModelDir()));
    b.outside(
        "base-model-file-uri",
        n -> obj(n, "base_model").put("uri", "file:" + bait.outsideModelDir()));
    b.outside(
        "base-model-dotdot",
        n -> obj(n, "base_model").put("uri", "../../" + bait.outsideModelDir()));
    b.outside("base-model-relative-path", n -> obj(n, "base_model").put("uri", "models/cura-tiny"));
    b.outside("base-model-digest-not-hex", n -> obj(n, "base_model").put("sha256", "not-a-digest"));
    b.outside(
        "dataset-absolute-path",
        n -> dataset(n).put("uri", bait.outsideDataset()).put("sha256", bait.outsideDatasetSha()));
    b.outside(
        "dataset-file-uri",
        n ->
            dataset(n)
                .put("uri", "file://" + bait.outsideDataset())
                .put("sha256", bait.outsideDatasetSha()));
    b.outside(
        "dataset-cas-dotdot",
        n -> dataset(n).put("uri", "cas:sha256/../../" + bait.outsideDatasetSha()));
    b.outside(
        "dataset-cas-other-digest",
        n -> dataset(n).put("uri", "cas:sha256/" + bait.outsideDatasetSha()));
    b.event(
        "job-id-traversal",
        SampleEvents.fineTuneRequested("../../" + b.key("job-id-traversal")),
        "invalid_field",
        false);
    b.json("tenant-traversal", n -> n.put("tenant", "../other"), "invalid_field", false);
    b.foreignJob(bait.foreignJobId());
    return b.cases();
  }

  /** Records for {@code cura.checkpoint.quantized} (the trainer). */
  public static List<Case> checkpointQuantized(String run, Bait bait) {
    var b = Builder.topic(run, "quantized", SampleEvents::checkpointQuantized);
    b.outside("artifact-file-uri", n -> n.put("artifact_uri", "file:" + bait.outsideModelDir()));
    b.outside("artifact-absolute-path", n -> n.put("artifact_uri", bait.outsideModelDir()));
    b.outside(
        "artifact-cas-other-digest",
        n -> n.put("artifact_uri", "cas:sha256/" + SampleEvents.SHA_A));
    b.outside(
        "dataset-outside-store",
        n ->
            dataset(obj(n, "request"))
                .put("uri", bait.outsideDataset())
                .put("sha256", bait.outsideDatasetSha()));
    b.json(
        "request-of-another-job",
        n -> obj(n, "request").put("job_id", bait.foreignJobId()),
        "invalid_field",
        false);
    b.foreignJob(bait.foreignJobId());
    return b.cases();
  }

  /** Records for {@code cura.adapter.trained} (the registry; the gateway projects it too). */
  public static List<Case> adapterTrained(String run, Bait bait) {
    var b = Builder.topic(run, "trained", SampleEvents::adapterTrained);
    b.outside("adapter-file-uri", n -> n.put("adapter_uri", "file:" + bait.outsideModelDir()));
    b.outside(
        "adapter-cas-other-digest", n -> n.put("adapter_uri", "cas:sha256/" + SampleEvents.SHA_B));
    b.outside(
        "lineage-base-model-path",
        n -> obj(obj(n, "lineage"), "base_model").put("uri", bait.outsideModelDir()));
    b.foreignJob(bait.foreignJobId());
    return b.cases();
  }

  /** Records for {@code cura.job.cancel} (quantizer, trainer, registry). */
  public static List<Case> jobCancel(String run, Bait bait) {
    var b = new Builder(run, new ArrayList<>(), job -> new CancelRequested(job, "x", null));
    b.json("cancel-without-job-id", n -> n.remove("job_id"), "missing_field", false);
    b.raw(
        "cancel-not-json",
        Topics.JOB_CANCEL,
        CODEC
            .encode(EventEnvelope.create("/hostile", b.sample().apply(b.key("cancel-not-json"))))
            .headers(),
        bytes("cancel!"),
        "malformed_json");
    b.event(
        "cancel-foreign-job",
        new CancelRequested(bait.foreignJobId(), "not yours", "intruder"),
        "foreign_job",
        false);
    return b.cases();
  }

  /**
   * Sends {@code cases} and checks their documented outcome: each is on {@code cura.dlq.<service>}
   * with its {@code cura-error-code}, a {@code dead-letter-reason} and the topic it came from; each
   * that fails its job has a {@code JobFailed} ({@code user_error}); no header, reason or failure
   * message carries {@code secret}.
   *
   * @throws AssertionError naming the case that did not get its outcome
   */
  public static void sendAndCheck(String service, List<Case> cases, String secret, Duration wait) {
    for (Case c : cases) {
      TestKafka.send(c.topic(), c.key(), c.headers(), c.value());
    }
    var expected = new HashMap<String, Case>();
    cases.forEach(c -> expected.put(c.topic() + "|" + c.key(), c));
    var dead =
        TestKafka.await(
            Topics.dlq(service),
            r ->
                expected.containsKey(TestKafka.headers(r).get("dead-letter-topic") + "|" + r.key()),
            cases.size(),
            wait);
    var seen = new HashMap<String, Map<String, String>>();
    for (var r : dead) {
      var h = TestKafka.headers(r);
      seen.put(h.get("dead-letter-topic") + "|" + r.key(), h);
    }
    for (Case c : cases) {
      var h = seen.get(c.topic() + "|" + c.key());
      if (h == null) {
        throw new AssertionError(c.name() + ": not dead-lettered (twice another record?)");
      }
      check(
          c,
          c.expectedCode().equals(h.get("cura-error-code")),
          "dead-lettered with " + h.get("cura-error-code") + ", expected " + c.expectedCode());
      String reason = h.getOrDefault("dead-letter-reason", "");
      check(c, reason.length() > 10, "no dead-letter-reason");
      check(c, !String.join(" ", h.values()).contains(secret), "the DLQ headers leak a bait file");
    }
    var failing = cases.stream().filter(Case::failsJob).map(Case::key).toList();
    if (!failing.isEmpty()) {
      var failed =
          TestKafka.await(Topics.JOB_FAILED, r -> failing.contains(r.key()), failing.size(), wait);
      for (var r : failed) {
        var f = (JobFailed) CODEC.decode(TestKafka.headers(r), r.value()).data();
        if (f.code() != JobFailed.Code.USER_ERROR || f.message().contains(secret)) {
          throw new AssertionError(
              r.key() + ": expected a user_error without bait content, got " + f);
        }
      }
    }
  }

  private static void check(Case c, boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(c.name() + " (" + c.topic() + "): " + what);
    }
  }

  /**
   * Envelope-level poison for a consumer that takes any event type (the gateway's projection):
   * {@code valid}'s record broken in the seven ways every consumer must dead-letter.
   */
  public static List<Case> envelope(String run, String what, CuraEvent valid) {
    var cases = Builder.topic(run, what, job -> valid).cases();
    cases.removeIf(c -> c.expectedCode().equals("unexpected_type"));
    return cases;
  }

  /**
   * Envelope-level poison every consumer must dead-letter (headers, JSON, types), made from the
   * builder's valid event of job {@code key(what)}.
   */
  private static void envelopeCases(Builder b, String what) {
    CuraEvent valid = b.sample().apply(b.key(what));
    EncodedEvent enc = CODEC.encode(EventEnvelope.create("/hostile", valid));
    b.raw(what + "-not-json", enc.topic(), enc.headers(), bytes("{\"job_id\":"), "malformed_json");
    b.raw(what + "-json-array", enc.topic(), enc.headers(), bytes("[1,2,3]"), "malformed_json");
    b.raw(what + "-no-headers", enc.topic(), Map.of(), enc.value(), "missing_header");
    b.raw(
        what + "-unknown-type",
        enc.topic(),
        with(enc.headers(), "ce_type", "dev.cura.Teleported.v1"),
        enc.value(),
        "unknown_type");
    b.raw(
        what + "-version-9",
        enc.topic(),
        with(enc.headers(), "ce_type", enc.headers().get("ce_type").replace(".v1", ".v9")),
        enc.value(),
        "unsupported_version");
    b.raw(
        what + "-spec-0.3",
        enc.topic(),
        with(enc.headers(), "ce_specversion", "0.3"),
        enc.value(),
        "unsupported_spec_version");
    EncodedEvent other =
        CODEC.encode(
            EventEnvelope.create(
                "/hostile",
                new TrainingProgress(valid.jobId(), 1, 0.1, 1.0, 1e-4, 10.0, 1L, 10L, 5L)));
    b.raw(
        what + "-wrong-event-type", enc.topic(), other.headers(), other.value(), "unexpected_type");
    b.json(
        what + "-missing-field",
        valid,
        n -> n.remove(n.fieldNames().next()),
        "missing_field",
        false);
  }

  /**
   * Builds cases with keys unique to one test run.
   *
   * @param sample a valid event of the topic, for a job id, that a case then breaks
   */
  private record Builder(String run, List<Case> cases, Function<String, CuraEvent> sample) {
    /**
     * The builder of a consumed topic's corpus, which starts with the {@link #envelopeCases} of
     * {@code sample}'s event for {@code what}.
     */
    static Builder topic(String run, String what, Function<String, CuraEvent> sample) {
      var b = new Builder(run, new ArrayList<>(), sample);
      envelopeCases(b, what);
      return b;
    }

    String key(String name) {
      return "fuzz-" + run + "-" + name;
    }

    /**
     * A reference (model, dataset, artifact, adapter) that points outside the artifact store or the
     * model roots: dead-lettered as {@code invalid_reference}, and the job fails, its sender owning
     * it.
     */
    void outside(String name, Consumer<ObjectNode> mutate) {
      json(name, mutate, "invalid_reference", true);
    }

    /**
     * The sample event of a job another tenant owns: {@code foreign_job}, no job of theirs fails.
     */
    void foreignJob(String foreignJobId) {
      event("foreign-job-id", sample.apply(foreignJobId), "foreign_job", false);
    }

    /** The sample event of job {@code key(name)} with its JSON changed by {@code mutate}. */
    void json(String name, Consumer<ObjectNode> mutate, String code, boolean failsJob) {
      json(name, sample.apply(key(name)), mutate, code, failsJob);
    }

    void raw(String name, String topic, Map<String, String> headers, byte[] value, String code) {
      cases.add(new Case(name, topic, key(name), headers, value, code, false));
    }

    void event(String name, CuraEvent e, String code, boolean failsJob) {
      EncodedEvent enc = CODEC.encode(EventEnvelope.create("/hostile", e));
      cases.add(new Case(name, enc.topic(), enc.key(), enc.headers(), enc.value(), code, failsJob));
    }

    void json(
        String name, CuraEvent e, Consumer<ObjectNode> mutate, String code, boolean failsJob) {
      EncodedEvent enc = CODEC.encode(EventEnvelope.create("/hostile", e));
      try {
        ObjectNode n = (ObjectNode) JSON.readTree(enc.value());
        mutate.accept(n);
        cases.add(
            new Case(
                name,
                enc.topic(),
                enc.key(),
                enc.headers(),
                JSON.writeValueAsBytes(n),
                code,
                failsJob));
      } catch (java.io.IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
    }
  }

  private static ObjectNode obj(ObjectNode n, String field) {
    return (ObjectNode) n.get(field);
  }

  private static ObjectNode dataset(ObjectNode request) {
    return (ObjectNode) request.get("datasets").get(0);
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    var out = new HashMap<>(headers);
    out.put(name, value);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
