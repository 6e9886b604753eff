package dev.cura.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The bench reads what wrk, pgbench and the gateway's metrics print; the wrk script carries any
 * body and key intact.
 */
class BenchOutputsTest {
  @Test
  void wrkSummaryLineIsReadAmongWrksOwnOutput() throws IOException {
    String out =
        """
        Running 20s test @ http://127.0.0.1:34373/v1/fine_tuning/jobs
          2 threads and 64 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency    11.02ms    4.10ms  61.20ms   80.11%
        Requests/sec:   5812.41
        Non-2xx or 3xx responses: 3
        CURA-WRK responses=116300 non2xx=3 socket_errors=2 duration_us=20009000 p50_us=10400 \
        p99_us=27650 max_us=61200
        """;
    Wrk.Result r = Wrk.parse(out);
    assertEquals(116297, r.accepted());
    assertEquals(5, r.failures());
    assertEquals(20.009, r.seconds(), 1e-9);
    assertEquals(10.4, r.p50Millis(), 1e-9);
    assertEquals(27.65, r.p99Millis(), 1e-9);
    assertEquals(116297 / 20.009, r.acceptedPerSecond(), 1e-9);
  }

  @Test
  void wrkOutputWithoutTheSummaryIsAnErrorThatShowsIt() {
    var e = assertThrows(IOException.class, () -> Wrk.parse("unable to connect to 127.0.0.1:1"));
    assertTrue(e.getMessage().contains("unable to connect"), e.getMessage());
    e = assertThrows(IOException.class, () -> Wrk.parse("CURA-WRK responses=1 non2xx=0"));
    assertTrue(e.getMessage().contains("socket_errors"), e.getMessage());
  }

  @Test
  void luaLongStringsKeepAnyContentVerbatim() {
    assertEquals("[=[{\"a\":\"b\\n\"}]=]", Wrk.luaString("{\"a\":\"b\\n\"}"));
    // content that would close the first level picks a longer one
    assertEquals("[==[x]=]y]==]", Wrk.luaString("x]=]y"));
    String script = Wrk.script("key-1", "{\"model\":\"m\"}");
    assertTrue(script.contains("wrk.headers[\"Authorization\"] = [=[Bearer key-1]=]"), script);
    assertTrue(script.contains("wrk.body = [=[{\"model\":\"m\"}]=]"), script);
    assertTrue(script.contains("done = function(summary, latency, requests)"), script);
  }

  @Test
  void pgbenchReportGivesTpsAndFailures() throws IOException {
    String out =
        """
        transaction type: /tmp/commit.sql
        scaling factor: 1
        query mode: simple
        number of clients: 64
        number of threads: 2
        maximum number of tries: 1
        duration: 10 s
        number of transactions actually processed: 178500
        number of failed transactions: 7 (0.004%)
        latency average = 3.585 ms
        initial connection time = 40.204 ms
        tps = 17850.123456 (without initial connection time)
        """;
    var r = PgCommitRate.parse(out);
    assertEquals(17850.123456, r.perSecond(), 1e-9);
    assertEquals(7, r.failed());
    assertEquals("pgbench", r.tool());
    assertThrows(IOException.class, () -> PgCommitRate.parse("connection refused"));
  }

  @Test
  void consumedRequestsAreSummedOverOutcomesAndNothingElse() {
    String scrape =
        """
        # HELP cura_events_consumed_total
        # TYPE cura_events_consumed_total counter
        cura_events_consumed_total{outcome="ok",type="FineTuneRequested"} 261897.0
        cura_events_consumed_total{outcome="dead_letter",type="FineTuneRequested"} 3.0
        cura_events_consumed_total{outcome="ok",type="TrainingProgress"} 500.0
        cura_events_published_total{outcome="ok",type="FineTuneRequested"} 99.0
        cura_jobs{status="queued"} 7.0
        """;
    assertEquals(261900, Delivery.consumedRequests(scrape));
    assertEquals(0, Delivery.consumedRequests("# nothing consumed yet\n"));
  }
}
