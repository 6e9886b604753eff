package dev.cura.gateway;

import static org.hamcrest.Matchers.equalTo;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.testinfra.CloudEventsSdk;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.PoisonContract;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The {@link PoisonContract} of the gateway's consumer: poison of every kind on every topic it
 * reads, then upstream jobs published with the CloudEvents SDK, in structured and in binary mode,
 * are projected to {@code succeeded}.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayPoisonTest extends PoisonContract {
  GatewayPoisonTest() {
    super("gateway", GatewayPoisonTest::onEveryTopic);
  }

  private static List<PoisonRecords.Poison> onEveryTopic(String job) {
    var poisons = new ArrayList<PoisonRecords.Poison>();
    for (CuraEvent e : SampleEvents.onePerTopic(job)) {
      poisons.addAll(PoisonRecords.of(SampleEvents.upstream(e), null));
    }
    return poisons;
  }

  @Override
  protected void sdkRecordsAreHandled(Encoding mode) {
    String upstream = jobId("sdk", mode);
    CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.fineTuneRequested(upstream)), mode);
    GatewayApiTest.awaitJob(upstream, r -> r.statusCode(200).body("stage", equalTo("quantizing")));
    CloudEventsSdk.send(
        SampleEvents.upstream(
            new AdapterRegistered(upstream, "default", "sdk-" + mode, 1, SampleEvents.SHA_A)),
        mode);
    GatewayApiTest.awaitJob(upstream, r -> r.body("status", equalTo("succeeded")));
  }

  /**
   * Binary mode with every attribute the CloudEvents JavaScript SDK's {@code Kafka.binary} lists as
   * a header ({@code ce_datacontenttype} included), the unset one ({@code ce_dataschema}) as a
   * header without a value — Kafka allows null header values, and a producer that maps unset
   * attributes to null sends them so: an attribute not set, not a wrong one.
   */
  @Test
  void binaryModeWithUnsetAttributesAsNullHeadersIsProjected() {
    String upstream = "ftjob-js-binary-" + UUID.randomUUID();
    EncodedEvent e = SampleEvents.upstream(SampleEvents.fineTuneRequested(upstream));
    var headers = new java.util.LinkedHashMap<String, String>();
    headers.put("content-type", "application/json");
    for (String attribute : List.of("id", "time", "type", "source", "specversion", "subject")) {
      headers.put("ce_" + attribute, e.headers().get("ce_" + attribute));
    }
    headers.put("ce_datacontenttype", "application/json");
    headers.put("ce_dataschema", null);
    TestKafka.send(e.topic(), e.key(), headers, e.value());
    GatewayApiTest.awaitJob(upstream, r -> r.statusCode(200).body("stage", equalTo("quantizing")));
  }
}
