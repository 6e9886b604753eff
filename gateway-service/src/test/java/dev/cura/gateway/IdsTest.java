package dev.cura.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
  /**
   * Ids keep the OpenAI-like shape (prefix + 32 lowercase hex digits), are version-7 UUIDs whose
   * first 48 bits are the creation time in Unix milliseconds, and sort (as strings, which is how
   * PostgreSQL's text index compares them) in the order they were made.
   */
  @Test
  void idsAreTimeOrderedVersion7Uuids() throws InterruptedException {
    long before = System.currentTimeMillis();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ids.add(Ids.next("ftjob-"));
      if (i == 1000) {
        Thread.sleep(3); // ids from later milliseconds too
      }
    }
    long after = System.currentTimeMillis();
    assertEquals(ids.size(), new HashSet<>(ids).size(), "unique");
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      assertTrue(id.matches("ftjob-[0-9a-f]{32}"), id);
      String hex = id.substring("ftjob-".length());
      UUID u =
          UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
      assertEquals(7, u.version(), id);
      assertEquals(2, u.variant(), id);
      long millis = Long.parseLong(hex.substring(0, 12), 16);
      assertTrue(millis >= before && millis <= after, id + " at " + millis);
      if (i > 0) {
        assertTrue(ids.get(i - 1).compareTo(id) < 0, ids.get(i - 1) + " then " + id);
      }
    }
  }
}
