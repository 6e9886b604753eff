package dev.cura.gateway;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.testinfra.HostileRecords;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The envelope part of CURA's hostile-record corpus ({@link HostileRecords}) against the gateway's
 * projection, which reads every job topic: each record dead-lettered on {@code cura.dlq.gateway}
 * with its documented code and a reason, and the consumer goes on with the next good record on
 * every topic.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayFuzzTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void hostileRecordsOnEveryTopicAreDeadLetteredAndTheProjectionGoesOn() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String job = "ftjob-gw-fuzz-" + run;
    List<CuraEvent> valid = SampleEvents.onePerTopic(job);
    var cases = new ArrayList<HostileRecords.Case>();
    for (CuraEvent e : valid) {
      cases.addAll(HostileRecords.envelope(run, e.getClass().getSimpleName(), e));
    }
    HostileRecords.sendAndCheck("gateway", cases, "no-bait-" + run, WAIT);

    // the projection carries on: a good record on every topic is committed past
    var codec = new EventCodec();
    for (CuraEvent e : valid) {
      var sent = TestKafka.send(codec.encode(EventEnvelope.create("/test", e)));
      TestKafka.awaitCommittedPast("cura-gateway", sent, WAIT);
    }
  }
}
