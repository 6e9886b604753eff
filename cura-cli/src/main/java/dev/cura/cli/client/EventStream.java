package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a job's live event stream ({@code text/event-stream}) and hands each event's JSON to a
 * consumer until the server ends the stream (the job finished).
 */
public final class EventStream {
  private EventStream() {}

  public static void follow(CuraClient client, String jobId, Consumer<JsonNode> onEvent) {
    var request =
        client
            .request("v1/fine_tuning/jobs/" + jobId + "/events")
            .header("Accept", "text/event-stream")
            .timeout(java.time.Duration.ofDays(7))
            .GET()
            .build();
    HttpResponse<java.io.InputStream> r;
    try {
      r = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (IOException e) {
      throw new ClientException("cannot reach " + client.base() + ": " + e.getMessage());
    }
    try (var in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      if (r.statusCode() != 200) {
        var sb = new StringBuilder();
        for (String l; (l = in.readLine()) != null; ) {
          sb.append(l);
        }
        throw ClientException.of(r.statusCode(), sb.toString());
      }
      var data = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        } else if (line.isEmpty() && !data.isEmpty()) {
          onEvent.accept(CuraClient.json().readTree(data.toString()));
          data.setLength(0);
        }
      }
    } catch (IOException e) {
      throw new ClientException("event stream of " + jobId + " broke off: " + e.getMessage());
    }
  }
}
