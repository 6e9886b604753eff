package dev.cura.rest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict reading of request bodies, on a mapper customized as the services' is. */
class StrictJsonTest {
  record Body(String name, Integer count, Boolean flag, Double rate, Map<String, String> tags) {}

  static final ObjectMapper MAPPER = mapper();

  static ObjectMapper mapper() {
    var m = new ObjectMapper();
    new StrictJson().customize(m);
    return m;
  }

  static ApiException refused(String json, Class<?> type) {
    var e = assertThrows(JacksonException.class, () -> MAPPER.readValue(json, type), json);
    return JsonErrors.toApi(e);
  }

  @Test
  void wellTypedValuesAreRead() throws Exception {
    Body b =
        MAPPER.readValue(
            "{\"name\":\"ab\\u00e9\\ud83d\\ude00\",\"count\":3,\"flag\":true,\"rate\":1,\"tags\":{\"k\":\"v\"}}",
            Body.class);
    assertEquals(3, b.count());
    assertEquals(1.0, b.rate(), "an integer where a number is expected is a number");
    assertEquals("ab\u00e9\ud83d\ude00", b.name());
  }

  @Test
  void nothingIsCoerced() {
    for (String json :
        new String[] {
          "{\"count\":1.5}",
          "{\"count\":\"3\"}",
          "{\"count\":true}",
          "{\"flag\":1}",
          "{\"flag\":\"true\"}",
          "{\"rate\":\"0.1\"}",
          "{\"name\":5}",
          "{\"name\":false}"
        }) {
      ApiException e = refused(json, Body.class);
      assertEquals(400, e.status(), json);
      assertTrue(
          e.param() != null && !e.param().isBlank(), json + " names the field: " + e.getMessage());
      assertTrue(!e.getMessage().contains("java."), "no Java type names: " + e.getMessage());
    }
  }

  @Test
  void controlCharactersAndLoneSurrogatesAreRefusedWithTheField() {
    ApiException e = refused("{\"name\":\"a\\u0000b\"}", Body.class);
    assertEquals("name", e.param());
    assertTrue(e.getMessage().contains("U+0000"), e.getMessage());
    assertEquals("tags.k", refused("{\"tags\":{\"k\":\"\\u0085\"}}", Body.class).param());
    assertTrue(
        refused("{\"tags\":{\"\\u0001\":\"v\"}}", Body.class).getMessage().contains("U+0001"));
    assertTrue(refused("{\"name\":\"\\ud800\"}", Body.class).getMessage().contains("surrogate"));
    Exception tree = assertThrows(Exception.class, () -> MAPPER.readTree("{\"m\":\"x\\u001fy\"}"));
    ApiException api =
        tree instanceof ApiException a ? a : JsonErrors.toApi((JacksonException) tree);
    assertEquals(400, api.status());
    assertTrue(api.getMessage().contains("U+001F"), api.getMessage());
  }

  @Test
  void duplicatesTrailingContentAndUnknownFieldsAreRefused() {
    refused("{\"count\":1,\"count\":2}", Body.class);
    assertThrows(JacksonException.class, () -> MAPPER.readTree("{\"a\":1,\"a\":2}"));
    refused("{\"count\":1} {}", Body.class);
    assertThrows(JacksonException.class, () -> MAPPER.readValue("{} x", JsonNode.class));
  }
}
