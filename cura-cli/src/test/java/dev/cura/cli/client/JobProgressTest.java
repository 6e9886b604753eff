package dev.cura.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JobProgressTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void foldsJobAndMetricsEventsIntoTheProgressLine() throws Exception {
    JobProgress p = new JobProgress();
    p.onJob(json("{\"status\":\"quantizing\",\"total_steps\":200}"));
    assertEquals("quantizing", p.line());
    String msg =
        p.onEvent(
            json(
                "{\"type\":\"message\",\"message\":\"Base model quantized (nf4 + double quant)\"}"));
    assertEquals("Base model quantized (nf4 + double quant)", msg);
    assertNull(
        p.onEvent(
            json(
                "{\"type\":\"metrics\",\"message\":\"Step 20/200\",\"data\":{\"step\":20,"
                    + "\"train_loss\":2.3456,\"tokens_per_second\":1234.4,\"eta_seconds\":185,"
                    + "\"total_steps\":200}}")),
        "metrics events move the bar instead of printing a line");
    assertEquals(20, p.step());
    assertEquals(200, p.totalSteps());
    assertEquals("running · loss 2.346 · 1,234 tok/s · ETA 3m05s", p.line());
    assertFalse(p.finished());
    // an older job snapshot never moves the step backwards
    p.onJob(json("{\"status\":\"running\",\"trained_steps\":10}"));
    assertEquals(20, p.step());
    p.onJob(json("{\"status\":\"succeeded\",\"trained_steps\":200}"));
    assertTrue(p.finished());
    assertEquals("succeeded · loss 2.346 · 1,234 tok/s", p.line(), "no ETA once finished");
  }
}
