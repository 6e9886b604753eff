package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what {@link PromQl} recognises, so the catalog checks cannot pass by reading nothing. */
class PromQlTest {

  @Test
  void findsMetricNamesAndSkipsFunctionsLabelsAndRanges() {
    String expr =
        "sum by (status, job) (rate(cura_jobs_submitted_total{outcome=\"accepted\","
            + " job=~\"gateway.*\"}[$__rate_interval])) / on() group_left"
            + " sum(cura_x_seconds_count) > 1e3 and on() vector(0) == 0 or up";
    assertEquals(
        Set.of("cura_jobs_submitted_total", "cura_x_seconds_count", "up"),
        PromQl.metricNames(expr));
  }

  @Test
  void multiLineAlertExpression() {
    String expr =
        "sum(cura_jobs{status=\"running\"}) > 0\n"
            + "and on() (sum(rate(cura_train_steps_total[15m])) or on() vector(0)) == 0\n";
    assertEquals(Set.of("cura_jobs", "cura_train_steps_total"), PromQl.metricNames(expr));
  }

  @Test
  void labelValuesOfMatchers() {
    Map<String, Set<String>> values =
        PromQl.labelValues(
            "x{topic=\"cura_job_requested\", job!=\"a\"} + y{topic=~\"cura_.*\", result=\"hit\"}");
    assertEquals(Set.of("cura_job_requested", "cura_.*"), values.get("topic"));
    assertEquals(Set.of("hit"), values.get("result"));
    assertEquals(Set.of("a"), values.get("job"));
  }

  @Test
  void familyStripsTimerSuffixesOnlyForKnownFamilies() {
    Set<String> known = Set.of("cura_quantize_duration_seconds", "cura_jobs_submitted_total");
    assertEquals(
        "cura_quantize_duration_seconds",
        PromQl.family("cura_quantize_duration_seconds_count", known));
    assertEquals(
        "cura_quantize_duration_seconds",
        PromQl.family("cura_quantize_duration_seconds_max", known));
    assertEquals("cura_jobs_submitted_total", PromQl.family("cura_jobs_submitted_total", known));
    assertEquals("cura_unknown_count", PromQl.family("cura_unknown_count", known));
  }

  @Test
  void balance() {
    assertTrue(PromQl.balanced("sum(rate(x{a=\"(\"}[5m]))"));
    assertFalse(PromQl.balanced("sum(rate(x[5m])"));
    assertFalse(PromQl.balanced("x{a=\"b\"]"));
  }
}
